"""The bundled rules' decisions written by hand as plain Python: the speed floor for bench/engine.py.

It reads the same features (``jubao.features``) and parameter values and returns what the engine decides:
regulator, licence status, severity, legal characterisations, and routes with priorities. The benchmark checks
that it agrees with the engine on every case it times, so the floor is the same work, not less. It is not used
by jubao itself: rules live in rules/, and this file must follow them when they change (the check will fail).
"""

from __future__ import annotations

from datetime import date
from typing import Any

NFRA_KINDS = {"bank", "consumer_finance", "auto_finance"}
LOCAL_KINDS = {"microloan", "online_microloan", "financing_guarantee"}
ABUSE = {
    "insult", "defamation", "threat_violence", "threat_exposure", "doctored_images", "fake_legal_document",
    "impersonating_official", "sexual_harassment", "home_or_work_visit", "stalking", "personal_data_exposure",
}  # fmt: skip
OLD_LAW_END = date(2025, 12, 31)
NEW_LAW_START = date(2026, 1, 1)


def decide(f: dict[str, Any], p: dict[str, Any], as_of: date) -> dict[str, Any]:  # noqa: PLR0912, PLR0915
    """Hand-written equivalent of rules/*.yaml. ``f``: features; ``p``: parameter values on ``as_of``."""
    kind = f["lender_kind"]
    regulator, licence = "unknown", "unknown"
    indicators: set[str] = set()
    illegal = False
    if kind in NFRA_KINDS:
        regulator, licence = "nfra", "licensed"
    elif kind in LOCAL_KINDS:
        regulator, licence = "local_finance_bureau", "licensed"
    elif kind == "loan_platform" and f["funding_kind"] in NFRA_KINDS:
        regulator, licence = "nfra", "licensed"
    elif kind == "loan_platform" and f["funding_kind"] in LOCAL_KINDS:
        regulator, licence = "local_finance_bureau", "licensed"
    elif kind == "unlicensed":
        regulator, licence, illegal = "none", "unlicensed", True
        indicators.add("unlicensed_lending")
    elif kind == "private_individual":
        regulator = "none"
    rate, term, ratio = f["annual_rate_percent"], f["term_days"], f["upfront_deduction_ratio"]
    cap, short = p.get("lending.judicial_cap_percent"), p.get("lending.short_term_max_days")
    above_cap = rate is not None and cap is not None and rate > cap
    deducted = ratio is not None and ratio > 0
    if above_cap:
        illegal = True
        indicators.add("rate_above_36")
    if deducted:
        indicators.add("upfront_deduction")
    if term is not None and short is not None and term <= short and (deducted or above_cap):
        illegal = True
        indicators.add("term_714")
    if kind == "unknown" and term is not None and short is not None and term <= short and deducted:
        regulator, licence = "none", "unlicensed"

    reached = f["contacts_reached"]
    many, mass = p["policy.contacts_many"], p["policy.contacts_mass"]
    ongoing = (
        f["days_since_last_incident"] is not None and f["days_since_last_incident"] <= p["policy.ongoing_within_days"]
    )
    behaviours, third = f["behaviours"], f["behaviours_to_third_parties"]
    max_calls = p.get("collection.max_calls_per_number_per_day")
    too_many_calls = max_calls is not None and f["max_calls_per_target_per_day"] > max_calls

    law: set[str] = set()
    criminal = False
    if f["third_parties_reached"] or "excessive_frequency" in behaviours or f["night_contact"] or too_many_calls:
        law.add("civil.privacy")
    if f["third_parties_reached"]:
        law.add("civil.personal_information")
    if third & {"insult", "defamation", "doctored_images"}:
        law.add("civil.reputation")
    harassment = (bool(behaviours & {"insult", "threat_violence", "threat_exposure", "sexual_harassment"})
                  and f["incidents_total"] >= 2) or "excessive_frequency" in behaviours or too_many_calls  # fmt: skip
    repeated = f["repeated_behaviours"]
    if (as_of <= OLD_LAW_END and harassment) or (
        as_of >= NEW_LAW_START and (harassment or repeated & {"stalking", "home_or_work_visit"})
    ):
        law.add("public_order.harassment")
    if third & {"personal_data_exposure", "doctored_images", "group_blast"}:
        law.add("public_order.privacy_spreading")
    if "threat_violence" in behaviours:
        law.add("public_order.threat")
    if "impersonating_official" in behaviours:
        law.add("public_order.impersonation")
    exposed = f["contacts_exposed"]
    if exposed is not None and (
        (exposed >= p["criminal.pi_items_serious_service_provider"] and (f["lender_has_app"] or licence == "licensed"))
        or exposed >= p["criminal.pi_items_serious_other"]
    ):
        law.add("criminal.personal_information")
        criminal = True
    if (illegal and as_of >= date(2021, 3, 1) and behaviours & {"threat_violence", "threat_exposure", "stalking",
            "excessive_frequency", "insult", "home_or_work_visit", "restricting_liberty"}):  # fmt: skip
        law.add("criminal.illegal_debt_collection")
        criminal = True
    if not illegal and behaviours & {"threat_violence", "stalking"}:
        law.add("criminal.provocation")
        criminal = True
    if "extortion" in behaviours:
        law.add("criminal.extortion")
        criminal = True
    private_prosecution = False
    if third & {"insult", "defamation", "doctored_images"} and f["mediums"] & {"group_chat", "social_post"}:
        law.add("criminal.insult_defamation")
        private_prosecution = True
    if "fake_legal_document" in behaviours:
        law.add("criminal.forged_documents")
        criminal = True
    if "restricting_liberty" in behaviours:
        law.add("criminal.illegal_detention")
        criminal = True
    if licence == "unlicensed" and "rate_above_36" in indicators and as_of >= date(2019, 10, 21):
        law.add("criminal.illegal_lending")
        criminal = True

    severity = 0
    if f["third_parties_reached"]:
        severity = 1
    if (third & {"debt_disclosure", "demand_payment_from_third_party", "group_blast"} or reached >= many
            or "excessive_frequency" in behaviours or too_many_calls or f["night_contact"]):  # fmt: skip
        severity = 2
    if behaviours & ABUSE or "employer" in f["relations_reached"]:
        severity = 3
    if criminal:
        severity = 4

    routes: dict[str, int] = {}

    def route(channel: str, priority: int) -> None:
        routes[channel] = min(priority, routes.get(channel, priority))

    if licence != "unlicensed" and kind != "private_individual":
        route("lender_complaint", 1)
    if regulator == "nfra":
        route("nfra_12378", 3)
    if regulator == "local_finance_bureau":
        route("local_finance_bureau", 3)
    if licence == "unlicensed":
        route("local_finance_bureau", 4)
        route("police", 1)
    limitation = p.get("public_order.limitation_months")
    time_barred = limitation is not None and f["months_unreported_to_police"] >= limitation
    if time_barred:
        law.add("public_order.time_barred")
    police_fit = (
        severity >= 3
        or "group_blast" in third
        or (reached >= many and third & {"debt_disclosure", "demand_payment_from_third_party"})
    )
    if police_fit and not time_barred:
        route("police", 2)
    if severity >= 3:
        route("legal_aid_12348", 5)
    if criminal:
        route("police", 1)
    if time_barred and private_prosecution:
        route("police", 5)
    if f["mediums"] & {"call", "sms"}:
        route("miit_12321", 2)
    if (f["lender_has_app"] and f["third_parties_reached"]) or (
        f["mediums"] & {"group_chat", "social_post"}
        and third & {"personal_data_exposure", "doctored_images", "debt_disclosure"}
    ):
        route("cac_12377", 4)
    if severity >= 2 and licence != "unlicensed":
        route("court_civil", 2 if ongoing else 6)
    if f["lender_has_app"] and kind in {
        "online_microloan",
        "loan_platform",
        "consumer_finance",
        "microloan",
        "unknown",
    }:
        route("nifa", 5)
    if "threat_credit_report" in behaviours or "credit_report_correction" in f["wants"]:
        route("pboc_12363", 5)
    carrier = f["carrier_complaint_status"]
    if carrier in {"awaiting_reply", "replied", "unanswered"} or (
        f["continued_after_12321_report"] and carrier == "none"
    ):
        route("miit_12300", 6)
    if f["collector_agency_named"] and f["third_parties_reached"]:
        route("samr_12315", 6)
    if (
        severity >= 2
        and f["lender_named"]
        and f["prior_channels"] & {"lender_complaint", "nfra_12378", "local_finance_bureau"}
    ):
        route("media", 7)
    if f["lender_has_app"] and (licence == "unlicensed" or f["third_parties_reached"]):
        route("app_store", 6)
    if (exposed is not None and exposed >= mass) or reached >= mass or ("police" in f["prior_channels"] and criminal):
        route("procuratorate_12309", 7)
    return {"regulator": regulator, "licence_status": licence, "severity": severity, "characterisations": law,
            "routes": routes}  # fmt: skip
