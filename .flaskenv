# Read by the `flask` command only (never by gunicorn): a checkout runs in development.
# Production sets APP_ENV=production in the real environment, which takes precedence.
APP_ENV=development
