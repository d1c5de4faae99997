"""The questionnaire (version 2026.1): its steps, question ids, codes and texts, as data.

Pure: no Flask, WTForms or SQLAlchemy. This is the one place a question is defined; the forms,
the check-your-answers page, the staff pages and exports are all built from it. The health and
contact steps live in ``questions_more`` only to keep files short.
"""

from __future__ import annotations

from app.screening.catalogue import (
    N_,
    NONE_CODE,
    SCALE_MAX,
    SCALE_MIN,
    Choice,
    Kind,
    Question,
    Step,
    choices,
    yes_no,
)
from app.screening.codes import StepId
from app.screening.questions_more import CONTACT, HEALTH

QUESTIONNAIRE_VERSION = "2026.1"
CONSENT_VERSION = "2026.1"

SAFETY = Step(
    StepId.SAFETY,
    N_("Safety check"),
    N_(
        "Some symptoms need a doctor before any physiotherapy. Answer yes only if it is "
        "true for you now."
    ),
    (
        yes_no(
            "rf_saddle_numbness",
            N_(
                "Do you have new numbness or tingling in your groin, genitals, buttocks or inner thighs?"
            ),
        ),
        yes_no(
            "rf_bladder_bowel",
            N_(
                "Do you have new trouble passing urine, or have you lost control of your bladder or bowels?"
            ),
        ),
        yes_no(
            "rf_chest_breathing",
            N_("Do you have chest pain or pressure, or new shortness of breath?"),
        ),
        yes_no(
            "rf_stroke_signs",
            N_("Have you suddenly had any of these signs of a stroke?"),
            hint_items=(
                N_("The worst headache of your life"),
                N_("Trouble speaking, seeing or swallowing"),
                N_("A face that droops or feels numb"),
            ),
        ),
        yes_no(
            "rf_fever_unwell",
            N_("Along with your pain, do you have a fever, chills, or feel generally unwell?"),
        ),
        yes_no(
            "rf_recent_trauma",
            N_(
                "In the last 6 weeks, did your pain start after a bad fall, a car crash or "
                "another serious injury?"
            ),
            hint=N_("Answer no if a doctor or nurse practitioner has already checked you for it."),
        ),
        yes_no("rf_hot_swollen", N_("Do you have a joint or a calf that is hot, red and swollen?")),
        yes_no(
            "rf_progressive_weakness",
            N_("Do you have numbness or weakness in an arm or leg that is getting worse?"),
        ),
        yes_no(
            "rf_cancer_history", N_("Have you ever been diagnosed with cancer or treated for it?")
        ),
        yes_no("rf_weight_loss", N_("Have you lost weight recently without trying?")),
        yes_no(
            "rf_night_pain",
            N_("Is your pain constant at night, and not eased by rest or by changing position?"),
        ),
    ),
)

PAIN = Step(
    StepId.PAIN,
    N_("Your pain"),
    N_("Tell us where it hurts, for how long, and what it feels like."),
    (
        Question(
            "pain_areas",
            Kind.MULTI,
            N_("Where do you have pain?"),
            choices(
                ("head", N_("Head")),
                ("neck", N_("Neck")),
                ("upper_back", N_("Upper back")),
                ("shoulder", N_("Shoulder")),
                ("chest_ribs", N_("Chest or ribs")),
                ("elbow_forearm", N_("Elbow or forearm")),
                ("wrist_hand", N_("Wrist or hand")),
                ("lower_back", N_("Lower back")),
                ("hip_buttock", N_("Hip or buttock")),
                ("thigh_knee", N_("Thigh or knee")),
                ("lower_leg", N_("Lower leg or calf")),
                ("heel_foot", N_("Heel or foot")),
                ("other", N_("Somewhere else")),
            ),
            hint=N_("Choose all that apply."),
        ),
        Question(
            "pain_duration",
            Kind.SINGLE,
            N_("How long have you had this pain?"),
            choices(
                ("under_6_weeks", N_("Less than 6 weeks")),
                ("6_weeks_to_3_months", N_("6 weeks to 3 months")),
                ("3_to_12_months", N_("3 to 12 months")),
                ("over_12_months", N_("More than 12 months")),
            ),
        ),
        Question(
            "pain_intensity",
            Kind.SCALE,
            N_("Over the last week, how bad was your pain on average?"),
            tuple(Choice(str(n), str(n)) for n in range(SCALE_MIN, SCALE_MAX + 1)),
            hint=N_("0 means no pain. 10 means the worst pain you can imagine."),
        ),
        Question(
            "diagnoses",
            Kind.MULTI,
            N_("Has a health professional told you that you have any of these?"),
            choices(
                ("tennis_elbow", N_("Tennis elbow")),
                ("plantar_fasciitis", N_("Plantar fasciitis (heel pain)")),
                ("nerve_pain", N_("Nerve pain, such as sciatica or a pinched nerve")),
                ("tension_headache", N_("Tension headache")),
                (NONE_CODE, N_("None of these")),
            ),
            hint=N_("Choose all that apply, or “None of these”."),
        ),
        Question(
            "nerve_symptoms",
            Kind.MULTI,
            N_("Does your pain feel like any of these?"),
            choices(
                ("burning", N_("Burning")),
                ("electric_shooting", N_("Electric shocks or shooting pain")),
                ("pins_and_needles", N_("Pins and needles or tingling")),
                ("numbness", N_("Numbness")),
                (NONE_CODE, N_("None of these")),
            ),
            hint=N_("Choose all that apply, or “None of these”."),
        ),
    ),
)

HISTORY = Step(
    StepId.HISTORY,
    N_("Treatments you have tried"),
    N_("Tell us what you have already tried for this pain."),
    (
        Question(
            "manual_therapy",
            Kind.SINGLE,
            N_("Have you tried hands-on treatment for this pain?"),
            choices(
                ("not_tried", N_("No, I have not tried it")),
                ("helped", N_("Yes, and it helped")),
                ("no_lasting_relief", N_("Yes, but the relief did not last")),
            ),
            hint=N_("For example massage, manual therapy, chiropractic or osteopathy."),
        ),
        Question(
            "active_therapy",
            Kind.SINGLE,
            N_("Have you tried physiotherapy with exercises?"),
            choices(
                ("not_tried", N_("No, I have not tried it")),
                ("helped", N_("Yes, and it helped")),
                ("no_change", N_("Yes, but it made no difference")),
                ("made_worse", N_("Yes, and it made my pain worse")),
            ),
        ),
    ),
)

STEPS: tuple[Step, ...] = (SAFETY, PAIN, HISTORY, HEALTH, CONTACT)
STEP_IDS: tuple[str, ...] = tuple(s.id for s in STEPS)
STEPS_BY_ID: dict[str, Step] = {s.id: s for s in STEPS}
QUESTIONS: dict[str, Question] = {q.id: q for s in STEPS for q in s.questions}
CONTACT_IDS: frozenset[str] = frozenset(q.id for q in CONTACT.questions)
# Questions the rules read: everything but the contact step.
CLINICAL_QUESTIONS: dict[str, Question] = {
    k: q for k, q in QUESTIONS.items() if k not in CONTACT_IDS
}
