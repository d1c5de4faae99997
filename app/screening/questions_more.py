"""The health-and-needles step and the contact step of the questionnaire, as data.

Part of the catalogue in ``questions.py`` (split only for length). Pure: no framework imports.
"""

from __future__ import annotations

from app.screening.catalogue import N_, YES_NO, Kind, Question, Step, choices, yes_no
from app.screening.codes import StepId

HEALTH = Step(
    StepId.HEALTH,
    N_("Your health and needles"),
    N_(
        "IMS uses very fine needles. These questions help keep you safe. Answering yes does "
        "not rule you out: a physiotherapist may need to check a few things first."
    ),
    (
        Question(
            "needle_attitude",
            Kind.SINGLE,
            N_("How do you feel about a treatment that uses needles?"),
            choices(
                ("comfortable", N_("I am comfortable with it")),
                ("nervous", N_("I am nervous, but willing to try")),
                ("prefer_no_needles", N_("I would prefer not to have needles")),
            ),
        ),
        yes_no(
            "needle_reaction",
            N_(
                "Have you ever fainted or had a bad reaction to acupuncture, dry needling or "
                "an injection?"
            ),
        ),
        yes_no(
            "blood_thinners",
            N_("Do you take a blood thinner, or do you bleed or bruise very easily?"),
            hint=N_(
                "Common blood thinners are Eliquis, Xarelto, Pradaxa, Plavix, warfarin and "
                "aspirin taken every day. Answer yes too if you have a bleeding or clotting "
                "disorder, such as hemophilia."
            ),
        ),
        yes_no(
            "immune_weakened",
            N_("Do you have a condition, or take a medicine, that weakens your immune system?"),
            hint=N_(
                "For example chemotherapy, long-term steroid pills, or medicine after a transplant."
            ),
        ),
        Question(
            "pregnant",
            Kind.SINGLE,
            N_("Are you pregnant, or could you be?"),
            (*YES_NO, *choices(("not_sure", N_("I am not sure")))),
        ),
        yes_no(
            "heart_valve",
            N_(
                "Do you have an artificial heart valve, or have you ever had an infection of "
                "a heart valve?"
            ),
        ),
        yes_no(
            "implanted_device",
            N_("Do you have a pacemaker or another electrical device inside your body?"),
            hint=N_("For example a defibrillator or a nerve stimulator."),
        ),
        yes_no("epilepsy", N_("Do you have epilepsy or seizures?")),
        yes_no(
            "metal_allergy",
            N_("Are you allergic to metals such as nickel?"),
            hint=N_("For example, a rash from jewellery, a watch strap or a belt buckle."),
        ),
        yes_no("diabetes", N_("Do you have diabetes?")),
        yes_no(
            "lymphedema",
            N_(
                "Do you have lymphedema (swelling of an arm or leg that does not go away), or "
                "have you had lymph nodes removed?"
            ),
        ),
        yes_no(
            "lung_condition",
            N_(
                "Do you have a lung condition such as emphysema or COPD, or have you ever had "
                "a collapsed lung?"
            ),
        ),
        yes_no(
            "skin_problem_at_site",
            N_("Do you have an infection, an open wound or a rash where it hurts?"),
        ),
        yes_no(
            "recent_surgery",
            N_(
                "Have you had surgery in the last 3 months, or do you have a joint replacement "
                "or another implant near where it hurts?"
            ),
        ),
        Question(
            "age_band",
            Kind.SINGLE,
            N_("How old are you?"),
            choices(
                ("under_18", N_("Under 18")),
                ("18_to_64", N_("18 to 64")),
                ("65_or_over", N_("65 or over")),
            ),
        ),
    ),
)

FULL_NAME_MAX = 100
COMMENTS_MAX = 1000
EMAIL_MAX = 254
PHONE_MIN, PHONE_MAX = 7, 20

CONTACT = Step(
    StepId.CONTACT,
    N_("How to reach you"),
    N_("The clinic uses these details only to contact you about booking."),
    (
        Question("full_name", Kind.TEXT, N_("Full name"), max_length=FULL_NAME_MAX),
        Question(
            "email",
            Kind.EMAIL,
            N_("Email address"),
            hint=N_("Give an email address, a phone number, or both."),
            required=False,
            max_length=EMAIL_MAX,
        ),
        Question(
            "phone",
            Kind.PHONE,
            N_("Phone number"),
            hint=N_("Give an email address, a phone number, or both."),
            required=False,
            max_length=PHONE_MAX,
        ),
        Question(
            "contact_preference",
            Kind.SINGLE,
            N_("How would you like the clinic to contact you?"),
            choices(("phone", N_("By phone")), ("email", N_("By email"))),
        ),
        Question(
            "comments",
            Kind.LONG_TEXT,
            N_("Is there anything else you would like the clinic to know? (optional)"),
            hint=N_("Up to %(max)s characters."),  # the question's max_length, as shown
            required=False,
            max_length=COMMENTS_MAX,
        ),
        Question(
            "consent",
            Kind.CONSENT,
            N_(
                "I agree that the clinic may store my answers and use them to contact me about "
                "booking, as described in the privacy notice."
            ),
            choices(("y", N_("I agree"))),
        ),
    ),
)
