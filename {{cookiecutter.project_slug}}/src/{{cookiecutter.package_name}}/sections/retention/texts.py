"""Every text of the retention section (30) in English and Russian: report parts (tile, finding,
methodology), captions, sentences and skip reasons as named templates; column names and chart words
as labels."""

from __future__ import annotations

from ...text import common  # noqa: F401  (the shared labels: groups, columns, common words)
from ...text.catalogue import register

REPORT = {
    "en": {
        "tile.churn_rate": "Customer churn, {months} months",
        "tile.churn_rate.note": "CRR {crr:percent}; reactivation {reactivation:percent}",
        "finding.churn": ("Over the last {months} months the customer retention rate (CRR) was "
                          "{crr:percent}, churn {churn:percent}."),
        "finding.churn_and_monthly": (
            "Over the last {months} months the customer retention rate (CRR) was {crr:percent}, churn "
            "{churn:percent}; monthly churn of members is {members:percent} against {non_members:percent} "
            "for non-members."),
        "finding.churn_monthly_only": ("Monthly churn of members is {members:percent} against "
                                       "{non_members:percent} for non-members."),
        "method.crr.title": "Customer retention rate (CRR)",
        "method.crr.formula": "CRR = (E − N) / S",
        "method.crr.text": ("S = customers active at the start of the period, E = customers active at its "
                            "end, N = customers active at the end who were not active at the start (new or "
                            "returned). A customer is active while their last purchase is at most the churn "
                            "threshold (180 days by default) ago."),
        "method.churn.title": "Churn rate",
        "method.churn.formula": "churn = (S − (E − N)) / S = 1 − CRR",
        "method.churn.text": ("The share of the customers active at the start who are no longer active at "
                              "the end. Members and non-members are split by their status at the start."),
        "method.reactivation.title": "Reactivation rate",
        "method.reactivation.formula": ("reactivation = customers churned at the start who bought during the "
                                        "period / customers churned at the start"),
        "method.reactivation.text": "Measures how many lapsed customers come back.",
    },
    "ru": {
        "tile.churn_rate": "Отток клиентов за {months} мес.",
        "tile.churn_rate.note": "CRR {crr:percent}; реактивация {reactivation:percent}",
        "finding.churn": ("За последние {months} мес. коэффициент удержания клиентов (CRR) составил "
                          "{crr:percent}, отток — {churn:percent}."),
        "finding.churn_and_monthly": (
            "За последние {months} мес. коэффициент удержания клиентов (CRR) составил {crr:percent}, "
            "отток — {churn:percent}; ежемесячный отток участников — {members:percent} против "
            "{non_members:percent} у неучастников."),
        "finding.churn_monthly_only": ("Ежемесячный отток участников — {members:percent} против "
                                       "{non_members:percent} у неучастников."),
        "method.crr.title": "Коэффициент удержания клиентов (CRR)",
        "method.crr.formula": "CRR = (E − N) / S",
        "method.crr.text": ("S — клиенты, активные на начало периода, E — активные на конец, N — активные на "
                            "конец, но не активные на начало (новые или вернувшиеся). Клиент активен, пока с "
                            "его последней покупки прошло не больше порога оттока (по умолчанию 180 дней)."),
        "method.churn.title": "Отток",
        "method.churn.formula": "отток = (S − (E − N)) / S = 1 − CRR",
        "method.churn.text": ("Доля клиентов, активных на начало периода, которые к его концу перестали быть "
                              "активными. Участники и неучастники разделяются по статусу на начало периода."),
        "method.reactivation.title": "Реактивация",
        "method.reactivation.formula": ("реактивация = ушедшие на начало периода клиенты, совершившие "
                                        "покупку в периоде / ушедшие на начало периода"),
        "method.reactivation.text": "Показывает, какая часть ушедших клиентов возвращается.",
    },
}

SECTION = {
    "en": {
        "title": "Cohorts and retention",
        "group.all": "all",
        "group.members": "members",
        "group.non_members": "non-members",
        "group_title.all": "All",
        "group_title.members": "Members",
        "group_title.non_members": "Non-members",
        "no_membership": ("membership is unknown (no join dates and no loyalty-card checks): members and "
                          "non-members cannot be told apart, so the section shows all identified customers "
                          "together."),
        "no_cohorts": "no {group} with a purchase: no cohort matrix.",
        "cohort_customers_chart": "Customer retention by cohort: {group}",
        "cohort_customers_table": "Share of each cohort buying n months later: {group}",
        "cohort_summary": ("{group}: {customers:number} customers in {cohorts:number} cohorts; "
                           "{share:percent0} of them bought again in the month after their first purchase."),
        "cohort_summary_short": "{group}: {customers:number} customers in {cohorts:number} cohorts.",
        "cohort_revenue_chart": "Revenue retention by cohort: {group}",
        "cohort_revenue_table": "Cohort revenue n months later / first-month revenue: {group}",
        "too_short": ("the period is too short for monthly retention: it needs {days:number} days of "
                      "history before the first month, and identified purchases."),
        "monthly_table": "CRR, churn and reactivation per month",
        "churn_chart": "Monthly churn rate",
        "reactivation_chart": "Monthly reactivation rate",
        "pooled_table": "Monthly CRR, churn and reactivation, last {months:number} months",
        "pooled": ("Over the last {months:number} months, on average {churn:percent} of the active "
                   "customers churned each month."),
        "pooled_groups": ("Over the last {months:number} months, on average {churn:percent} of the active "
                          "customers churned each month. Members: {members:percent} a month, non-members: "
                          "{non_members:percent}."),
        "no_window": ("no headline window: the data do not cover a full month after {days:number} days of "
                      "history."),
        "window": (
            "From {start:date} to {end:date} ({months:number} months): of the {active:number} customers "
            "active at the start, {churned:number} churned and {new:number} were (re)acquired, so E = "
            "{end_customers:number} and **CRR = {crr:percent}** (churn {churn:percent}); "
            "{reactivation:percent} of the customers churned at the start came back."),
        "window_groups": (
            "From {start:date} to {end:date} ({months:number} months): of the {active:number} customers "
            "active at the start, {churned:number} churned and {new:number} were (re)acquired, so E = "
            "{end_customers:number} and **CRR = {crr:percent}** (churn {churn:percent}); "
            "{reactivation:percent} of the customers churned at the start came back. Members churned at "
            "{members:percent}, non-members at {non_members:percent} over the window."),
        "before_after_table": "Spend and purchases per member, {days:number} days before vs after joining",
        "no_before_after": ("no member has {days:number} days of data on both sides of the join day and a "
                            "purchase before the window."),
        "before_after": (
            "The comparison rests on **{members:number} members**. In the {days:number} days after joining "
            "they spent {spend:+percent0} and bought {visits:+percent0} as often as in the {days:number} "
            "days before (spend change per member {change:money}, 95% interval {low:money} to "
            "{high:money}). {caveat}"),
        "before_after_few": (
            "The comparison rests on **{members:number} members**. In the {days:number} days after joining "
            "they spent {spend:+percent0} and bought {visits:+percent0} as often as in the {days:number} "
            "days before (spend change per member {change:money}, 95% interval {low:money} to "
            "{high:money}). That is few customers: treat the change as indicative. {caveat}"),
        "no_spend_before": ("none of the {members:number} members bought in the {days:number} days before "
                            "joining: a change against nothing before cannot be measured."),
        "before_after_caveat": (
            "This raw comparison removes neither seasonality (the two windows cover different months) nor "
            "the customers who would have stopped buying anyway; the uplift section compares members with "
            "similar non-members over the same dates."),
    },
    "ru": {
        "title": "Когорты и удержание",
        "group.all": "Все клиенты",
        "group.members": "Участники",
        "group.non_members": "Неучастники",
        "group_title.all": "Все клиенты",
        "group_title.members": "Участники",
        "group_title.non_members": "Неучастники",
        "no_membership": ("членство неизвестно (нет дат вступления и чеков по карте лояльности): участников "
                          "нельзя отличить от неучастников, поэтому раздел показывает всех "
                          "идентифицированных клиентов вместе."),
        "no_cohorts": "группа «{group}»: нет клиентов с покупками, матрицы когорт нет.",
        "cohort_customers_chart": "Удержание клиентов по когортам: {group}",
        "cohort_customers_table": "Доля когорты, купившая через n месяцев: {group}",
        "cohort_summary": ("{group}: {customers:number} клиентов в {cohorts:number} когортах; "
                           "{share:percent0} из них снова купили в месяце после первой покупки."),
        "cohort_summary_short": "{group}: {customers:number} клиентов в {cohorts:number} когортах.",
        "cohort_revenue_chart": "Удержание выручки по когортам: {group}",
        "cohort_revenue_table": "Выручка когорты через n месяцев / выручка первого месяца: {group}",
        "too_short": ("период слишком короток для помесячного удержания: нужны {days:number} дней истории "
                      "до первого месяца и покупки идентифицированных клиентов."),
        "monthly_table": "CRR, отток и реактивация по месяцам",
        "churn_chart": "Отток по месяцам",
        "reactivation_chart": "Реактивация по месяцам",
        "pooled_table": "Месячные CRR, отток и реактивация, последние {months:number} месяцев",
        "pooled": ("За последние {months:number} мес. в среднем {churn:percent} активных клиентов уходили "
                   "каждый месяц."),
        "pooled_groups": ("За последние {months:number} мес. в среднем {churn:percent} активных клиентов "
                          "уходили каждый месяц. Участники: {members:percent} в месяц, неучастники: "
                          "{non_members:percent}."),
        "no_window": ("нет окна для главных показателей: данные не покрывают полного месяца после "
                      "{days:number} дней истории."),
        "window": (
            "С {start:date} по {end:date} ({months:number} мес.): из {active:number} клиентов, активных на "
            "начало, {churned:number} ушли, а {new:number} были привлечены или вернулись, поэтому E = "
            "{end_customers:number} и **CRR = {crr:percent}** (отток {churn:percent}); вернулись "
            "{reactivation:percent} клиентов, ушедших к началу окна."),
        "window_groups": (
            "С {start:date} по {end:date} ({months:number} мес.): из {active:number} клиентов, активных на "
            "начало, {churned:number} ушли, а {new:number} были привлечены или вернулись, поэтому E = "
            "{end_customers:number} и **CRR = {crr:percent}** (отток {churn:percent}); вернулись "
            "{reactivation:percent} клиентов, ушедших к началу окна. Отток участников за окно составил "
            "{members:percent}, неучастников — {non_members:percent}."),
        "before_after_table": "Траты и покупки на участника за {days:number} дней до и после вступления",
        "no_before_after": ("ни у одного участника нет {days:number} дней данных по обе стороны от дня "
                            "вступления и покупки до окна."),
        "before_after": (
            "Сравнение основано на **{members:number} участниках**. За {days:number} дней после вступления "
            "их траты изменились на {spend:+percent0}, а число покупок — на {visits:+percent0} по сравнению "
            "с {days:number} днями до него (изменение трат на участника {change:money}, 95 % интервал: от "
            "{low:money} до {high:money}). {caveat}"),
        "before_after_few": (
            "Сравнение основано на **{members:number} участниках**. За {days:number} дней после вступления "
            "их траты изменились на {spend:+percent0}, а число покупок — на {visits:+percent0} по сравнению "
            "с {days:number} днями до него (изменение трат на участника {change:money}, 95 % интервал: от "
            "{low:money} до {high:money}). Клиентов немного: считайте изменение ориентировочным. {caveat}"),
        "no_spend_before": ("ни один из {members:number} участников не покупал за {days:number} дней до "
                            "вступления: изменение относительно нуля измерить нельзя."),
        "before_after_caveat": (
            "Такое простое сравнение не устраняет ни сезонность (окна приходятся на разные месяцы), ни "
            "клиентов, которые перестали бы покупать в любом случае; раздел об эффекте программы сравнивает "
            "участников с похожими неучастниками за те же даты."),
    },
}

LABELS = {"ru": {
    "cohort": "Когорта",
    "months since the first purchase": "месяцев с первой покупки",
    "start_customers": "Активных на начало (S)",
    "new_customers": "Новых и вернувшихся (N)",
    "end_customers": "Активных на конец (E)",
    "retained": "Удержано",
    "churned": "Ушло",
    "crr": "CRR",
    "churn_rate": "Доля оттока",
    "churned_at_start": "Ушедших на начало",
    "reactivated": "Вернулось",
    "reactivation_rate": "Доля реактивации",
    "churn rate per month": "отток за месяц",
    "reactivation rate per month": "реактивация за месяц",
    "metric": "Показатель",
    "purchases per customer": "покупки на клиента",
}}

register("", REPORT)
register("retention", SECTION, labels=LABELS)
