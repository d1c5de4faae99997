"""What each rule means: a plain-language text for the patient and a clinical text for staff.

Pure data, marked with ``N_`` and translated where shown. Every rule in ``rules.RULES`` has an
entry (a test checks). Wording must be reviewed by the clinic's IMS-trained physiotherapist.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.screening.catalogue import N_


@dataclass(frozen=True, slots=True)
class RuleText:
    """The two texts of a rule."""

    patient: str
    staff: str


RULE_TEXTS: dict[str, RuleText] = {
    "RF_SADDLE_NUMBNESS": RuleText(
        N_(
            "You have new numbness or tingling around your groin, buttocks or inner thighs. This can mean pressure on nerves at the base of the spine, which needs emergency care."
        ),
        N_(
            "New saddle anaesthesia or paraesthesia: possible cauda equina syndrome. Emergency referral."
        ),
    ),
    "RF_BLADDER_BOWEL": RuleText(
        N_(
            "You have new trouble passing urine or controlling your bladder or bowels. With back or leg pain, this can mean pressure on nerves, which needs emergency care."
        ),
        N_(
            "New urinary retention or bladder/bowel incontinence: possible cauda equina syndrome. Emergency referral."
        ),
    ),
    "RF_CHEST_BREATHING": RuleText(
        N_(
            "You have chest pain or pressure, or new shortness of breath. These need to be checked by emergency services right away."
        ),
        N_(
            "Chest pain/pressure or new dyspnoea: exclude cardiac, pulmonary embolism or pneumothorax. Emergency referral."
        ),
    ),
    "RF_STROKE_SIGNS": RuleText(
        N_(
            "You have had a sudden severe headache, or sudden trouble speaking, seeing or swallowing, or a drooping or numb face. These can be signs of a stroke."
        ),
        N_(
            "Thunderclap headache or acute neurological deficit (speech, vision, swallowing, facial): possible stroke or cervical arterial dysfunction. Emergency referral."
        ),
    ),
    "RF_FEVER_UNWELL": RuleText(
        N_(
            "You have a fever, chills or feel unwell along with your pain. A doctor should check for an infection first."
        ),
        N_(
            "Fever, chills or systemic malaise with pain: exclude infection (e.g. spinal infection, septic arthritis). Medical review within 24 h."
        ),
    ),
    "RF_RECENT_TRAUMA": RuleText(
        N_(
            "Your pain started after a serious injury that a doctor has not checked yet. A doctor should make sure nothing is broken or torn."
        ),
        N_(
            "Pain after significant trauma in the last 6 weeks, not medically assessed: exclude fracture or serious soft-tissue injury. Medical review within 24 h."
        ),
    ),
    "RF_HOT_SWOLLEN": RuleText(
        N_(
            "You have a joint or calf that is hot, red and swollen. A doctor should check it soon, because it can be an infection or a blood clot."
        ),
        N_(
            "Hot, red, swollen joint or calf: exclude septic arthritis, gout or deep vein thrombosis. Medical review within 24 h."
        ),
    ),
    "RF_PROGRESSIVE_WEAKNESS": RuleText(
        N_(
            "You have numbness or weakness in an arm or leg that is getting worse. A doctor should check the nerves soon."
        ),
        N_(
            "Progressive neurological deficit (numbness or weakness) in a limb: urgent medical assessment, possible nerve root or cord compromise."
        ),
    ),
    "CI_PREFERS_NO_NEEDLES": RuleText(
        N_(
            "You would prefer not to have needles. IMS is a needle treatment, and you should never feel pushed into it."
        ),
        N_(
            "Patient declines needling: absolute contraindication to IMS. Offer non-needling physiotherapy."
        ),
    ),
    "RF_CANCER_HISTORY": RuleText(
        N_(
            "You have had cancer. A physiotherapist will check that your pain is not linked to it before any needling."
        ),
        N_(
            "History of malignancy: consider metastatic disease as the source of pain; confirm medical clearance before IMS."
        ),
    ),
    "RF_WEIGHT_LOSS": RuleText(
        N_(
            "You have lost weight without trying. A physiotherapist will check whether you should see a doctor first."
        ),
        N_(
            "Unexplained weight loss: screen for systemic or malignant disease; consider medical referral before IMS."
        ),
    ),
    "RF_NIGHT_PAIN": RuleText(
        N_(
            "Your pain is constant at night and not eased by rest. A physiotherapist will check whether you should see a doctor first."
        ),
        N_(
            "Constant night pain unrelieved by rest or position: non-mechanical pattern; screen for serious pathology."
        ),
    ),
    "PR_NEEDLE_REACTION": RuleText(
        N_(
            "You have fainted or reacted badly to needles before. The physiotherapist can plan for this, for example by treating you lying down."
        ),
        N_(
            "Previous vasovagal or severe reaction to needling or injection: treat recumbent, monitor, consider whether to needle."
        ),
    ),
    "PR_BLEEDING_RISK": RuleText(
        N_(
            "You take a blood thinner, or bleed or bruise easily. The physiotherapist needs to plan where it is safe to use needles. Please bring a list of your medicines."
        ),
        N_(
            "Anticoagulant / antiplatelet use or bleeding disorder: assess haemostasis; avoid deep sites that cannot be compressed."
        ),
    ),
    "PR_IMMUNE": RuleText(
        N_(
            "Your immune system is weakened. The physiotherapist will take extra care to prevent infection."
        ),
        N_(
            "Immunocompromise (disease or medication): raised infection risk; strict asepsis, consider deferring needling."
        ),
    ),
    "PR_PREGNANCY": RuleText(
        N_(
            "You are or might be pregnant. The physiotherapist will decide with you whether IMS is right during pregnancy."
        ),
        N_(
            "Pregnant or possibly pregnant: relative precaution, especially first trimester; informed consent and clinical judgement on sites."
        ),
    ),
    "PR_HEART_VALVE": RuleText(
        N_(
            "You have an artificial heart valve or have had a heart-valve infection. The physiotherapist will take extra care to prevent infection."
        ),
        N_(
            "Prosthetic heart valve or history of endocarditis: raised risk of bacteraemia and endocarditis; strict asepsis, consider medical advice."
        ),
    ),
    "PR_IMPLANTED_DEVICE": RuleText(
        N_(
            "You have an electrical device inside your body. The physiotherapist will avoid treatments near it that could affect it."
        ),
        N_(
            "Pacemaker, ICD or other implanted electrical device: no electrical stimulation; avoid needling over the device."
        ),
    ),
    "PR_EPILEPSY": RuleText(
        N_(
            "You have epilepsy or seizures. The physiotherapist will plan your treatment so it is safe for you."
        ),
        N_(
            "Epilepsy or seizure disorder: check control and triggers; treat recumbent; relative precaution."
        ),
    ),
    "PR_METAL_ALLERGY": RuleText(
        N_(
            "You are allergic to some metals. The physiotherapist will check which needles are safe for you."
        ),
        N_("Metal (e.g. nickel) allergy: check needle composition; relative precaution."),
    ),
    "PR_DIABETES": RuleText(
        N_(
            "You have diabetes. Skin can heal more slowly, especially on the feet, so the physiotherapist will take extra care."
        ),
        N_(
            "Diabetes: impaired healing and peripheral circulation or sensation; caution with distal (e.g. foot) needling."
        ),
    ),
    "PR_LYMPHEDEMA": RuleText(
        N_(
            "You have lymphedema or have had lymph nodes removed. Needles should not be used in the affected arm or leg."
        ),
        N_(
            "Lymphedema or lymph node removal: do not needle the affected limb or quadrant; infection risk."
        ),
    ),
    "PR_LUNG": RuleText(
        N_(
            "You have a lung condition or have had a collapsed lung. The physiotherapist will take extra care when treating the chest, back and shoulders."
        ),
        N_(
            "Lung disease or previous pneumothorax: raised pneumothorax risk with thoracic, periscapular and upper trapezius needling."
        ),
    ),
    "PR_SKIN_AT_SITE": RuleText(
        N_(
            "You have an infection, wound or rash where it hurts. Needles cannot go through that skin until it has healed."
        ),
        N_(
            "Local skin infection, wound or rash at the treatment site: do not needle through affected skin."
        ),
    ),
    "PR_RECENT_SURGERY": RuleText(
        N_(
            "You have had recent surgery, or have an implant near the painful area. The physiotherapist will check where it is safe to use needles."
        ),
        N_(
            "Surgery within 3 months, or joint replacement or implant near the site: infection risk; avoid needling near the surgical site or implant."
        ),
    ),
    "PR_UNDER_18": RuleText(
        N_(
            "You are under 18. A parent or guardian needs to take part in the decision and give consent."
        ),
        N_("Minor: guardian consent required; relative precaution."),
    ),
    "IND_TENNIS_ELBOW": RuleText(
        N_("You have been told you have tennis elbow, one of the problems IMS is often used for."),
        N_("Lateral epicondylalgia (tennis elbow): common IMS indication."),
    ),
    "IND_PLANTAR_FASCIITIS": RuleText(
        N_(
            "You have been told you have plantar fasciitis, one of the problems IMS is often used for."
        ),
        N_(
            "Plantar heel pain (plantar fasciitis): dry needling shows short-term benefit in trials."
        ),
    ),
    "IND_TENSION_HEADACHE": RuleText(
        N_(
            "You have been told you have tension headaches. Tight neck and shoulder muscles can play a part, and IMS treats tight muscles."
        ),
        N_(
            "Tension-type headache: possible myofascial contribution (cervical and shoulder girdle)."
        ),
    ),
    "IND_NERVE_PAIN": RuleText(
        N_(
            "Your pain sounds like it may involve the nerves. IMS is designed for this kind of pain."
        ),
        N_(
            "Reported neuropathic features or diagnosis (e.g. radiculopathy): fits the radiculopathic model of IMS."
        ),
    ),
    "IND_PERSISTENT_PAIN": RuleText(
        N_(
            "You have had this pain for more than 3 months. IMS is often considered for pain that has lasted this long."
        ),
        N_("Persistent pain over 3 months (IASP chronic pain definition)."),
    ),
    "IND_MANUAL_THERAPY_NO_RELIEF": RuleText(
        N_("Hands-on treatment did not give you lasting relief. IMS may be worth trying next."),
        N_("No lasting benefit from manual therapy (clinic heuristic, not a validated criterion)."),
    ),
    "IND_ACTIVE_THERAPY_WORSE": RuleText(
        N_(
            "Physiotherapy with exercises made your pain worse. IMS may help settle tight muscles first."
        ),
        N_(
            "Symptoms aggravated by active, exercise-based physiotherapy (clinic heuristic, not a validated criterion)."
        ),
    ),
    "NOTE_NEEDLE_NERVOUS": RuleText(
        N_(
            "You feel nervous about needles. That is common: tell the physiotherapist, who will explain each step and go at your pace."
        ),
        N_(
            "Needle-anxious patient: explain the procedure, consider fewer needles at the first visit, treat recumbent."
        ),
    ),
}
