"""Texts of the portfolio benchmark (namespace ``portfolio``): KPI names, notes on comparability, the
consultant's page and the client's card, in English and Russian."""

from __future__ import annotations

from ..text.catalogue import register

NAMESPACE = "portfolio"

TEMPLATES = {
    "en": {
        "kpi.member_revenue_share": "Members' revenue share",
        "kpi.active_member_share": "Active members",
        "kpi.reach": "Reach",
        "kpi.redemption_rate": "Redemption rate",
        "kpi.breakage_rate": "Breakage rate",
        "kpi.nps": "NPS",
        "kpi.crr": "Customer retention rate",
        "kpi.churn_rate": "Churn rate",
        "kpi.mean_clv": "Mean CLV",
        "kpi.program_effect": "Program effect on spend",
        "kpi.roi": "Program ROI",
        "note.definition": "run with {parameter} = {value}, the portfolio compares {reference}",
        "note.currency": "amounts in {currency}, no rate to {reference} in portfolio.fx",
        "note.converted": "converted from {currency} at {rate} {reference} each",
        "note.period": "period of {days:number} days, most clients {usual:number}",
        "page.title": "Portfolio benchmark",
        "page.intro": ("{clients:number} clients, the latest complete report of each, compared on "
                       "{day:date}. Each value shows its percentile rank among the comparable clients "
                       "(0 = lowest, 100 = highest) and its change since the client's previous report. "
                       "Click a column to sort."),
        "page.client": "Client",
        "page.report": "Report",
        "page.notes": "Notes (left out of a KPI, converted, period)",
        "page.rank": "rank",
        "page.change": "change",
        "page.distribution": "Distribution",
        "page.kpi": "KPI",
        "page.clients": "clients",
        "page.q1": "lower quartile",
        "page.median": "median",
        "page.q3": "upper quartile",
        "page.trend": "Trend: each client's values over its complete reports (oldest first)",
        "page.definition": "compared at",
        "page.currency": "Money in {currency}.",
        "page.cards": "card",
        "page.interval": "95% CI {low} to {high}",
        "card.title": "{name}: benchmark among comparable programs",
        "card.contents": "Benchmark among comparable programs",
        "card.intro": ("Your report of {day:date} against the other loyalty programs we analyse. "
                       "Their names and values stay private: only the spread is shown (median, "
                       "quartiles and the number of programs), each dot being one program."),
        "card.too_small": ("The portfolio has {n:number} programs with a complete report; a fair "
                           "comparison needs at least {minimum:number}, so no distribution is shown yet."),
        "card.too_few": ("{kpi}: {n:number} comparable programs report this; at least {minimum:number} "
                         "are needed to show their spread."),
        "card.no_value": "{kpi}: your report has no value for it.",
        "card.excluded": "{kpi}: not compared ({note}).",
        "card.sentence": ("{kpi} is {value}: {position} of {n:number} comparable programs (median "
                          "{median}, middle half {q1} to {q3}). {verdict}"),
        "card.position.0": "at the median",
        "card.position.1": "in the bottom quarter",
        "card.position.2": "below the median",
        "card.position.3": "above the median",
        "card.position.4": "in the top quarter",
        "card.verdict.better": "Most programs do worse here.",
        "card.verdict.worse": "Most programs do better here.",
        "card.verdict.typical": "That is typical.",
        "card.you": "your program",
        "card.others": "other programs",
        "card.chart": "{kpi}: your program against {n:number} comparable programs",
    },
    "ru": {
        "kpi.member_revenue_share": "Доля выручки участников",
        "kpi.active_member_share": "Активные участники",
        "kpi.reach": "Охват",
        "kpi.redemption_rate": "Доля списания баллов",
        "kpi.breakage_rate": "Доля сгорания баллов",
        "kpi.nps": "NPS",
        "kpi.crr": "Удержание клиентов (CRR)",
        "kpi.churn_rate": "Отток",
        "kpi.mean_clv": "Средний CLV",
        "kpi.program_effect": "Эффект программы на траты",
        "kpi.roi": "ROI программы",
        "note.definition": "расчёт с {parameter} = {value}, в портфеле {reference}",
        "note.currency": "суммы в {currency}, нет курса к {reference} в portfolio.fx",
        "note.converted": "пересчитано из {currency} по курсу {rate} {reference}",
        "note.period": "период {days:number} дн., у большинства клиентов {usual:number}",
        "page.title": "Сравнение портфеля",
        "page.intro": ("{clients:number} клиентов, последний полный отчёт каждого, сравнение на "
                       "{day:date}. У каждого значения — процентильный ранг среди сопоставимых "
                       "клиентов (0 — наименьшее, 100 — наибольшее) и изменение с предыдущего отчёта "
                       "клиента. Щелчок по столбцу сортирует."),
        "page.client": "Клиент",
        "page.report": "Отчёт",
        "page.notes": "Примечания (не сравнивается, пересчёт, период)",
        "page.rank": "ранг",
        "page.change": "изменение",
        "page.distribution": "Распределение",
        "page.kpi": "Показатель",
        "page.clients": "клиентов",
        "page.q1": "нижний квартиль",
        "page.median": "медиана",
        "page.q3": "верхний квартиль",
        "page.trend": "Динамика: значения клиента по его полным отчётам (от старых к новым)",
        "page.definition": "сравнение при",
        "page.currency": "Деньги в {currency}.",
        "page.cards": "карточка",
        "page.interval": "95% ДИ от {low} до {high}",
        "card.title": "{name}: сравнение с сопоставимыми программами",
        "card.contents": "Сравнение с сопоставимыми программами",
        "card.intro": ("Ваш отчёт от {day:date} в сравнении с другими программами лояльности, которые "
                       "мы анализируем. Их названия и значения не раскрываются: показан только разброс "
                       "(медиана, квартили и число программ), каждая точка — одна программа."),
        "card.too_small": ("В портфеле {n:number} программ с полным отчётом; для честного сравнения "
                           "нужно не меньше {minimum:number}, поэтому распределение пока не показано."),
        "card.too_few": ("{kpi}: этот показатель есть у {n:number} сопоставимых программ; чтобы "
                         "показать разброс, нужно не меньше {minimum:number}."),
        "card.no_value": "{kpi}: в вашем отчёте этого значения нет.",
        "card.excluded": "{kpi}: не сравнивается ({note}).",
        "card.sentence": ("{kpi}: {value} — {position} среди {n:number} сопоставимых программ (медиана "
                          "{median}, средняя половина от {q1} до {q3}). {verdict}"),
        "card.position.0": "на уровне медианы",
        "card.position.1": "в нижней четверти",
        "card.position.2": "ниже медианы",
        "card.position.3": "выше медианы",
        "card.position.4": "в верхней четверти",
        "card.verdict.better": "У большинства программ здесь хуже.",
        "card.verdict.worse": "У большинства программ здесь лучше.",
        "card.verdict.typical": "Это типичное значение.",
        "card.you": "ваша программа",
        "card.others": "другие программы",
        "card.chart": "{kpi}: ваша программа среди {n:number} сопоставимых программ",
    },
}

register(NAMESPACE, TEMPLATES)


def kpi_name(key: str) -> str:
    """The catalogue name of a KPI's display name."""
    return f"{NAMESPACE}.kpi.{key}"
