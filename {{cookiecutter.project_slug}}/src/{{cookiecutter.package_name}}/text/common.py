"""Texts every section and the report share: group labels, canonical table and column names, and the
helper sentences of the notebook context (a skipped step, a shortened table).

Templates (namespace ``common``): ``common.skipped`` ("**Skipped:** {reason}"), ``common.first_rows``
(the note under a table shown shortened), ``common.membership_unknown`` (the skip reason of every
member part when membership is unknown, see `core.membership`).

Labels: the group labels of `core.membership` (members, non_members, anonymous, identified), the
canonical tables and columns of the data contract, and a few words used in many tables (share,
revenue, yes / no...). A section registers its own words in its ``texts.py``.
"""

from __future__ import annotations

from ..core.membership import ANONYMOUS, IDENTIFIED, MEMBERS, NON_MEMBERS
from .catalogue import register

NAMESPACE = "common"
SKIPPED = "common.skipped"
FIRST_ROWS = "common.first_rows"
MEMBERSHIP_UNKNOWN = "common.membership_unknown"

TEMPLATES = {
    "en": {
        "skipped": "**Skipped:** {reason}",
        "first_rows": "(first {shown:number} of {rows:number} rows)",
        "membership_unknown": ("membership is unknown: the customers table has no join dates "
                               "(joined_program_at) and the checks carry no loyalty_card flag"),
    },
    "ru": {
        "skipped": "**Пропущено:** {reason}",
        "first_rows": "(первые {shown:number} из {rows:number} строк)",
        "membership_unknown": ("членство в программе неизвестно: в таблице клиентов нет дат вступления "
                               "(joined_program_at), а чеки не отмечены флагом loyalty_card"),
    },
}

GROUP_LABELS = {
    MEMBERS: "Участники",
    NON_MEMBERS: "Неучастники",
    ANONYMOUS: "Анонимные",
    IDENTIFIED: "Идентифицированные",
    "all": "Все клиенты",
    "group": "Группа",
    "identified customers": "идентифицированные клиенты",
}

TABLE_LABELS = {
    "transactions": "Чеки",
    "customers": "Клиенты",
    "points": "Баллы",
    "nps": "NPS",
    "surveys": "Опросы",
    "campaigns": "Кампании",
}

COLUMN_LABELS = {
    "date": "Дата",
    "amount": "Сумма",
    "customer_id": "ID клиента",
    "transaction_id": "Номер чека",
    "store_id": "Магазин",
    "region": "Регион",
    "items": "Товаров",
    "discount": "Скидка",
    "points_earned": "Начислено баллов",
    "points_redeemed": "Списано баллов",
    "loyalty_card": "Карта лояльности",
    "registered_at": "Дата регистрации",
    "joined_program_at": "Дата вступления в программу",
    "tier": "Уровень",
    "unsubscribed_at": "Дата отписки",
    "has_email": "Есть email",
    "has_phone": "Есть телефон",
    "has_name": "Есть имя",
    "kind": "Операция",
    "score": "Оценка",
    "question": "Вопрос",
    "answer": "Ответ",
    "campaign_id": "Кампания",
    "sent_at": "Дата отправки",
}

WORD_LABELS = {
    "sheet": "Лист",
    "caption": "Подпись",
    "month": "Месяц",
    "months": "Месяцев",
    "share": "Доля",
    "revenue": "Выручка",
    "revenue_share": "Доля выручки",
    "checks": "Чеки",
    "purchases": "Покупки",
    "average_check": "Средний чек",
    "frequency": "Частота",
    "segment": "Сегмент",
    "change": "Изменение",
    "relative_change": "Относительное изменение",
    "ci_low": "95 % ДИ: от",
    "ci_high": "95 % ДИ: до",
    "before": "До",
    "after": "После",
    "yes": "да",
    "no": "нет",
    "value": "Значение",
    "KPI": "Показатель",
    "n/a": "н/д",
}

register(NAMESPACE, TEMPLATES,
         labels={"ru": {**GROUP_LABELS, **TABLE_LABELS, **COLUMN_LABELS, **WORD_LABELS}})
