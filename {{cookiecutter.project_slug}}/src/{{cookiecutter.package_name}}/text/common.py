"""Texts every section and the report share: group labels, canonical table and column names, and the
helper sentences of the notebook context (a skipped step, a shortened table).

Templates (namespace ``common``): ``common.skipped`` ("**Skipped:** {reason}"), ``common.first_rows``
(the note under a table shown shortened), ``common.membership_unknown`` (the skip reason of every
member part when membership is unknown, see `core.membership`), ``common.skip.*`` (the reasons of
`core.conditions`: a table, a column or a content a section needs is missing).

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
# skip reasons of `core.conditions`: why a section or a step cannot run on the tables it was given
SKIP = "common.skip"

TEMPLATES = {
    "en": {
        "skipped": "**Skipped:** {reason}",
        "first_rows": "(first {shown:number} of {rows:number} rows)",
        "membership_unknown": ("membership is unknown: the customers table has no join dates "
                               "(joined_program_at) and the checks carry no loyalty_card flag"),
        "skip.no_table": "No {table} table was provided.",
        "skip.empty_table": "The {table} table has no rows (in the analysed period).",
        "skip.no_columns": "The {table} table has no {columns} column.",
        "skip.no_customer_ids": ("The checks carry no customer id (no customer_id column, a store-level "
                                 "export): customer analyses need identified checks."),
        "skip.all_anonymous": ("Every check is anonymous (customer_id is empty on all of them): customer "
                               "analyses need identified checks."),
        "skip.no_anonymous": "No check is anonymous: every check carries a customer id.",
        "skip.no_members": ("Nobody in the data is a program member (no join dates and no loyalty-card "
                            "checks): member comparisons are not possible."),
        "skip.all_members": ("Every identified customer is a program member: there are no non-members to "
                             "compare with."),
        "skip.no_repeat_buyers": ("No customer bought on more than one day: repeat purchasing cannot be "
                                  "measured."),
        "skip.single_customer": ("The checks carry one customer id only: comparisons between customers are "
                                 "not possible."),
        "skip.one_month": "The checks cover one calendar month only: changes over time need at least two.",
        "skip.one_store": "The checks come from one store only: there is nothing to compare between stores.",
        "skip.no_control": ("No campaign has a control group: a campaign's effect cannot be measured "
                            "without one."),
        "skip.no_points": "No points ledger and no points columns on the checks.",
    },
    "ru": {
        "skipped": "**Пропущено:** {reason}",
        "first_rows": "(первые {shown:number} из {rows:number} строк)",
        "membership_unknown": ("членство в программе неизвестно: в таблице клиентов нет дат вступления "
                               "(joined_program_at), а чеки не отмечены флагом loyalty_card"),
        "skip.no_table": "Таблица «{table}» не предоставлена.",
        "skip.empty_table": "В таблице «{table}» нет строк (за анализируемый период).",
        "skip.no_columns": "В таблице «{table}» нет столбца {columns}.",
        "skip.no_customer_ids": ("В чеках нет идентификатора клиента (столбца customer_id нет, выгрузка по "
                                 "магазинам): клиентский анализ требует идентифицированных чеков."),
        "skip.all_anonymous": ("Все чеки анонимные (customer_id пуст во всех): клиентский анализ требует "
                               "идентифицированных чеков."),
        "skip.no_anonymous": "Анонимных чеков нет: у каждого чека есть идентификатор клиента.",
        "skip.no_members": ("В данных нет ни одного участника программы (нет дат вступления и чеков по "
                            "карте лояльности): сравнение участников невозможно."),
        "skip.all_members": ("Все идентифицированные клиенты участвуют в программе: сравнивать не с "
                             "кем."),
        "skip.no_repeat_buyers": ("Ни один клиент не покупал больше чем в один день: повторные покупки "
                                  "измерить нельзя."),
        "skip.single_customer": ("В чеках только один идентификатор клиента: сравнение клиентов "
                                 "невозможно."),
        "skip.one_month": ("Чеки охватывают только один календарный месяц: для изменений во времени нужно "
                           "хотя бы два."),
        "skip.one_store": "Все чеки из одного магазина: сравнивать магазины не с чем.",
        "skip.no_control": ("Ни у одной кампании нет контрольной группы: без неё эффект кампании не "
                            "измерить."),
        "skip.no_points": "Нет ни журнала баллов, ни баллов в чеках.",
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
