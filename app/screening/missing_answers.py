"""What each question says when it is left unanswered: its own message, which names what it
asks, so that a list of errors never holds two alike (WCAG 2.4.4) and each reads on its own.

Pure data, marked with ``N_`` and translated where shown (``app.screening.forms``). Every
required question that is answered by choosing has an entry (a test checks); the text fields and
the consent box have their own messages in the form.
"""

from __future__ import annotations

from app.screening.catalogue import N_

MISSING: dict[str, str] = {
    # Safety
    "rf_saddle_numbness": N_(
        "Select yes if you have new numbness or tingling in your groin, genitals, buttocks or inner thighs."
    ),
    "rf_bladder_bowel": N_(
        "Select yes if you have new trouble passing urine, or have lost control of your bladder or bowels."
    ),
    "rf_chest_breathing": N_(
        "Select yes if you have chest pain or pressure, or new shortness of breath."
    ),
    "rf_stroke_signs": N_("Select yes if you have suddenly had any of these signs of a stroke."),
    "rf_fever_unwell": N_("Select yes if you have a fever or chills, or feel generally unwell."),
    "rf_recent_trauma": N_(
        "Select yes if your pain started after a serious injury in the last 6 weeks."
    ),
    "rf_hot_swollen": N_("Select yes if you have a joint or a calf that is hot, red and swollen."),
    "rf_progressive_weakness": N_(
        "Select yes if you have numbness or weakness in an arm or leg that is getting worse."
    ),
    "rf_cancer_history": N_("Select yes if you have ever had cancer or been treated for it."),
    "rf_weight_loss": N_("Select yes if you have lost weight recently without trying."),
    "rf_night_pain": N_(
        "Select yes if your pain is constant at night and rest or moving does not ease it."
    ),
    # Pain
    "pain_areas": N_("Select where you have pain."),
    "pain_duration": N_("Select how long you have had this pain."),
    "pain_intensity": N_("Select how bad your pain was last week, from 0 to 10."),
    "diagnoses": N_("Select what a health professional told you, or “None of these”."),
    "nerve_symptoms": N_("Select what your pain feels like, or “None of these”."),
    # Treatments tried
    "manual_therapy": N_("Select whether you have tried hands-on treatment, and how it went."),
    "active_therapy": N_(
        "Select whether you have tried physiotherapy with exercises, and how it went."
    ),
    # Health and needles
    "needle_attitude": N_("Select how you feel about a treatment that uses needles."),
    "needle_reaction": N_(
        "Select yes if you have ever fainted or had a bad reaction to needles or an injection."
    ),
    "blood_thinners": N_("Select yes if you take a blood thinner, or bleed or bruise very easily."),
    "immune_weakened": N_(
        "Select yes if you have a condition, or take a medicine, that weakens your immune system."
    ),
    "pregnant": N_("Select whether you are pregnant or could be."),
    "heart_valve": N_(
        "Select yes if you have an artificial heart valve, or have had an infection of a heart valve."
    ),
    "implanted_device": N_(
        "Select yes if you have a pacemaker or another electrical device in your body."
    ),
    "epilepsy": N_("Select yes if you have epilepsy or seizures."),
    "metal_allergy": N_("Select yes if you are allergic to metals such as nickel."),
    "diabetes": N_("Select yes if you have diabetes."),
    "lymphedema": N_("Select yes if you have lymphedema, or have had lymph nodes removed."),
    "lung_condition": N_(
        "Select yes if you have a lung condition such as emphysema or COPD, or have had a collapsed lung."
    ),
    "skin_problem_at_site": N_(
        "Select yes if you have an infection, an open wound or a rash where it hurts."
    ),
    "recent_surgery": N_(
        "Select yes if you have had surgery in the last 3 months, or have an implant near where it hurts."
    ),
    "age_band": N_("Select your age group."),
    # Contact
    "contact_preference": N_("Select how you would like the clinic to contact you."),
}
