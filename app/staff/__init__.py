"""The staff workspace: the review queue, submission pages, follow-up and export."""
