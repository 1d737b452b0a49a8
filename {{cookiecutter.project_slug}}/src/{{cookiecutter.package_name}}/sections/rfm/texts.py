"""Every text of the RFM section (20) in English and Russian: report parts (finding, methodology),
captions, sentences and skip reasons as named templates; segment names, column names and chart words
as labels."""

from __future__ import annotations

from ...text import common  # noqa: F401  (the shared labels: groups, columns, common words)
from ...text.catalogue import register

REPORT = {
    "en": {
        "finding.rfm": ("Champions and loyal customers are {customers:percent0} of customers and bring "
                        "{revenue:percent0} of revenue."),
        "method.rfm.title": "RFM segments",
        "method.rfm.formula": "R = days since the last purchase, F = purchases, M = net revenue",
        "method.rfm.text": ("Customers are scored by quantiles of recency and frequency and placed on a grid "
                            "of named segments (champions, loyal, at risk, lost, ...) at the period end."),
    },
    "ru": {
        "finding.rfm": ("Сегменты «Чемпионы» и «Лояльные» — это {customers:percent0} клиентов, они приносят "
                        "{revenue:percent0} выручки."),
        "method.rfm.title": "RFM-сегменты",
        "method.rfm.formula": "R — дней с последней покупки, F — число покупок, M — чистая выручка",
        "method.rfm.text": ("Клиентам присваиваются баллы по квантилям давности и частоты покупок, по сетке "
                            "баллов они распределяются по именованным сегментам («Чемпионы», «Лояльные», "
                            "«Под угрозой», «Потерянные» и др.) на конец периода."),
    },
}

SECTION = {
    "en": {
        "title": "RFM segments",
        "no_customers": ("there are no identified customers with a purchase: RFM needs customer ids on the "
                         "checks."),
        "segments_table": "RFM segments on {date:date}",
        "segments": (
            "{customers:number} customers are segmented on {date:date}. **Champions** are "
            "{champions:percent0} of them and bring {champions_revenue:percent0} of their revenue; the "
            "largest revenue share comes from **{top}** ({top_revenue:percent0}). *At risk* and *Can't "
            "lose* customers, who used to buy often but not lately, are {lapsing:percent0} of customers "
            "and {lapsing_revenue:percent0} of revenue: the first audience for a win-back campaign."),
        "rf_chart": "Customers by recency and frequency score",
        "rf_table": "Customers by R score (rows) and F score",
        "no_mix": ("no customers table with join dates (or no segmented customers): the member / non-member "
                   "mix needs both."),
        "mix_table": "Segment mix of members and non-members",
        "mix_chart": "Segment mix: members vs non-members",
        "mix": ("Champions and Loyal customers make up {members:percent0} of members against "
                "{non_members:percent0} of non-members."),
        "no_earlier": "nobody had bought by {date:date}: there is no earlier snapshot to compare with.",
        "segment_on": "segment on {date:date}",
        "migration_chart": "Where the customers of each earlier segment are now",
        "migration_table": "Customers moving between segments (counts)",
        "moves_table": "Customers who moved up, stayed, moved down",
        "moves": ("Of the {customers:number} customers present on both dates, {up:percent0} moved to a "
                  "better segment and {down:percent0} to a worse one."),
        "moves_groups": (
            "Of the {customers:number} customers present on both dates, {up:percent0} moved to a better "
            "segment and {down:percent0} to a worse one. Members: {members_up:percent0} up, "
            "{members_down:percent0} down; non-members: {others_up:percent0} up, {others_down:percent0} "
            "down (a description, not the program's effect)."),
        "export_table": "Customer id and segment (ids only)",
    },
    "ru": {
        "title": "RFM-сегменты",
        "no_customers": "нет идентифицированных клиентов с покупками: для RFM нужны ID клиентов в чеках.",
        "segments_table": "RFM-сегменты на {date:date}",
        "segments": (
            "На {date:date} по сегментам распределено {customers:number} клиентов. **Чемпионы** составляют "
            "{champions:percent0} из них и приносят {champions_revenue:percent0} их выручки; наибольшая доля "
            "выручки приходится на сегмент **«{top}»** ({top_revenue:percent0}). Клиенты сегментов *«Под "
            "угрозой»* и *«Нельзя потерять»*, которые раньше покупали часто, но давно не покупали, — это "
            "{lapsing:percent0} клиентов и {lapsing_revenue:percent0} выручки: первая аудитория для кампании "
            "по возврату."),
        "rf_chart": "Клиенты по оценкам давности и частоты",
        "rf_table": "Клиенты по оценке R (строки) и оценке F",
        "no_mix": ("нет таблицы клиентов с датами вступления (или нет клиентов в сегментах): для сравнения "
                   "состава участников и неучастников нужно и то, и другое."),
        "mix_table": "Состав сегментов у участников и неучастников",
        "mix_chart": "Состав сегментов: участники и неучастники",
        "mix": ("«Чемпионы» и «Лояльные» составляют {members:percent0} участников против "
                "{non_members:percent0} неучастников."),
        "no_earlier": "до {date:date} покупок не было: сравнивать не с чем.",
        "segment_on": "сегмент на {date:date}",
        "migration_chart": "Где сейчас клиенты каждого прежнего сегмента",
        "migration_table": "Переходы клиентов между сегментами (число клиентов)",
        "moves_table": "Клиенты, перешедшие вверх, оставшиеся, перешедшие вниз",
        "moves": ("Из {customers:number} клиентов, присутствующих на обе даты, {up:percent0} перешли в "
                  "лучший сегмент и {down:percent0} — в худший."),
        "moves_groups": (
            "Из {customers:number} клиентов, присутствующих на обе даты, {up:percent0} перешли в лучший "
            "сегмент и {down:percent0} — в худший. Участники: {members_up:percent0} вверх, "
            "{members_down:percent0} вниз; неучастники: {others_up:percent0} вверх, {others_down:percent0} "
            "вниз (это описание, а не эффект программы)."),
        "export_table": "ID клиента и сегмент (только идентификаторы)",
    },
}

LABELS = {"ru": {
    "Champions": "Чемпионы",
    "Loyal": "Лояльные",
    "Potential loyalists": "Потенциально лояльные",
    "New": "Новые",
    "Promising": "Перспективные",
    "Need attention": "Требуют внимания",
    "About to sleep": "Засыпающие",
    "At risk": "Под угрозой",
    "Can't lose": "Нельзя потерять",
    "Hibernating": "Спящие",
    "Lost": "Потерянные",
    "Not yet a customer": "Ещё не клиент",
    "recency_days": "Дней с последней покупки",
    "r_score": "Оценка R",
    "f_score": "Оценка F",
    "m_score": "Оценка M",
    "members_share": "Доля участников",
    "non_members_share": "Доля неучастников",
    "share of the group": "доля группы",
    "F score (frequency)": "Оценка F (частота)",
    "R score (recency)": "Оценка R (давность)",
    "segment_before": "Сегмент тогда",
    "segment_now": "Сегмент сейчас",
    "direction": "Направление",
    "up": "Вверх",
    "same": "Без изменений",
    "down": "Вниз",
    "new": "Новые",
}}

register("", REPORT)
register("rfm", SECTION, labels=LABELS)
