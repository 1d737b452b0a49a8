"""Parameters of the sample generator: the defaults (each documented in truth.py's `params`), the
regions and their stores, the export's column names and codes."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

MINUTES_PER_DAY = 1440

# Region -> (code, weight, number of stores).
REGIONS: dict[str, tuple[str, float, int]] = {
    "Москва": ("MSK", 0.35, 4),
    "Санкт-Петербург": ("SPB", 0.25, 3),
    "Казань": ("KZN", 0.15, 2),
    "Екатеринбург": ("EKB", 0.15, 2),
    "Новосибирск": ("NSK", 0.10, 2),
}

DEFAULT_PARAMS: dict[str, Any] = {
    "existing_customer_share": 0.3,
    "existing_customer_years": 3,
    "pareto_nbd": {"r": 0.8, "alpha_days": 30.0, "s": 0.7, "beta_days": 500.0},
    "gamma_gamma": {"p": 6.0, "q": 4.0, "v": 750.0},
    "month_multiplier": [0.85, 0.9, 1.0, 1.0, 0.95, 0.85, 0.8, 0.85, 1.0, 1.05, 1.15, 1.6],
    "weekday_multiplier": [0.9, 0.9, 0.95, 1.0, 1.1, 1.2, 0.95],
    "hour_weights": {str(h): w for h, w in zip(range(8, 23), [1, 2, 3, 4, 6, 6, 5, 5, 6, 8, 9, 8, 6,
                                                             3, 1], strict=True)},
    "anonymous_share": 0.2,
    "member_effect": 0.10,
    "join_probability_by_tier": {"low": 0.15, "middle": 0.30, "high": 0.60},
    "join_delay_mean_days": 45.0,
    "card_share": 0.9,
    "unsubscribe_mean_days": 1500.0,
    "accrual_rate": 0.05,
    "point_value": 1.0,
    "expiry_months": 6,
    "redemption_min_balance": 200.0,
    "redemption_max_check_share": 0.3,
    "redemption_propensity_beta": [1.0, 3.0],
    "adjustment_share": 0.02,
    "adjustment_points": [50, 500],
    "campaign_effects": {"spring_sale": 0.15, "summer_reminder": 0.0, "autumn_bonus": 0.25},
    "campaign_heterogeneity": {  # campaign_effects.py: who responds (the planted average stays as above)
        "autumn_bonus": {"lapsed_days": 90, "negative_tier": "high", "negative_effect": -0.3},
    },
    "campaign_window_days": 30,
    "campaign_target_share": 0.5,
    "campaign_control_share": 0.2,
    "nps_shares": {
        "members": {"promoters": 0.45, "passives": 0.35, "detractors": 0.20},
        "non_members": {"promoters": 0.35, "passives": 0.35, "detractors": 0.30},
    },
    "nps_leavers": {"promoters": 0.15, "passives": 0.25, "detractors": 0.60},  # surveys.py: voice
    "nps_reason_share": 0.7,
    "nps_free_text_share": 0.05,
    "nps_reasons": {"detractors": {"цены": 0.4, "обслуживание": 0.3, "ассортимент": 0.2, "доставка": 0.1},
                    "passives": {"цены": 0.3, "ассортимент": 0.3, "качество": 0.2, "обслуживание": 0.2},
                    "promoters": {"качество": 0.4, "бонусы": 0.3, "обслуживание": 0.2, "ассортимент": 0.1}},
    "nps_response_share": 0.1,
    "nps_anonymous_share": 0.1,
    "csat_distribution": {
        "members": [0.03, 0.07, 0.20, 0.38, 0.32],
        "non_members": [0.05, 0.10, 0.25, 0.35, 0.25],
    },
    "awareness_share": {"members": 0.98, "non_members": 0.40},
    "motive_shares": {"value": 0.6, "brand": 0.25, "other": 0.15},
    "survey_response_share": 0.05,
    "survey_anonymous_share": 0.1,
    "contact_missing_shares": {"email": 0.25, "phone": 0.10, "name": 0.05},
    "dirt_shares": {"duplicates": 0.005, "returns": 0.01, "zero_amount": 0.002,
                    "future_dated": 0.001, "missing_contacts": 0.05},
    "home_store_share": 0.9,
    "region_launch_dates": {},  # opt-in staggered launch: {region: ISO date}; others launch at launch_date
    "discount_share": 0.3,
    "discount_range": [0.05, 0.20],
}

TRANSACTION_COLUMNS = ["Дата чека", "Номер чека", "ID клиента", "Магазин", "Регион", "Сумма",
                       "Кол-во товаров", "Скидка", "Карта", "Начислено баллов", "Списано баллов"]
CUSTOMER_COLUMNS = ["client_id", "reg_date", "loyalty_join_date", "tier", "region", "email", "phone",
                    "first_name", "last_name", "unsubscribe_date"]
POINT_OPERATIONS = {"accrual": "начисление", "redemption": "списание", "expiry": "сгорание",
                    "adjustment": "корректировка"}
CAMPAIGN_GROUPS = {"treatment": "тест", "control": "контроль"}
TIERS = ("low", "middle", "high")


def merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict:
    out = copy.deepcopy(dict(base))
    for key, value in over.items():
        if key not in out:
            raise KeyError(f"unknown sample parameter {key!r}")
        if isinstance(out[key], dict) and isinstance(value, Mapping) and key not in (
                "campaign_effects", "campaign_heterogeneity", "hour_weights", "region_launch_dates",
                "nps_reasons"):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out
