"""Every text of the program section, in English and Russian: sentences, captions, skip reasons,
the headline table's labels, the section's report parts (tiles, findings, methodology), and the
labels (column names, label values, chart words) its tables and charts show."""

from __future__ import annotations

from ...text.catalogue import Text, register

NA = Text("program.na")


def known(value: object) -> object:
    """`value`, or "n/a" (in the run's language) when it is None."""
    return NA if value is None else value


# the headline table's value formats (`headline.value_text`), the same in both languages
VALUE_FORMATS = {
    "value.count": "{value:number}",
    "value.number": "{value:number2}",
    "value.money": "{value:money}",
    "value.percent": "{value:percent}",
    "value.signed_percent": "{value:+percent}",
    "value.nps": "{value:number}",
}

PROGRAM = {
    "en": {
        "title": "Program KPIs",
        "na": "n/a",
        "no_months": "none",
        "caption.headline": "Program KPIs at a glance",
        "caption.members_chart": "New members per month by origin; members and active members at month end",
        "caption.members": "Members per month",
        "caption.member_share_chart": "Member share of checks and revenue per month",
        "caption.member_share": "Member share per month",
        "caption.checks_chart": "Average check, checks per buying customer per month, items per check",
        "caption.checks_summary": "Checks by buyer group since the launch",
        "caption.checks_monthly": "Checks by buyer group and month",
        "caption.checks_by_store_id": "Checks by store over the period",
        "caption.checks_by_region": "Checks by region over the period",
        "caption.points_chart": "Points per month, cumulative rates and outstanding liability",
        "caption.points": "Points per month",
        "caption.accrual_chart": "Points value earned per money unit of program checks",
        "caption.unsubscribes_chart": "Opt-outs per month and the share of members who opted out",
        "caption.unsubscribes": "Opt-outs per month",
        "caption.nps_chart": "NPS per month with its 95% interval, and the composition of answers",
        "caption.nps_groups": "NPS of members and non-members",
        "caption.nps_monthly": "NPS per month",
        "caption.csat_chart": "Average satisfaction per month",
        "caption.csat": "CSAT of members and non-members",
        "caption.awareness_chart": "Share of respondents who know the program",
        "caption.awareness": "Awareness of members and non-members",
        "caption.motives_chart": "Why members take part, per month",
        "caption.motives": "Motives for taking part",
        "caption.tiers_chart": "Share of customers who joined, by spend before the launch",
        "caption.tiers": "Participation by spend tier",
        "caption.lfl": "Like-for-like changes",
        "caption.yoy_chart": "Revenue per month against the same month a year earlier",
        "skip.no_membership": ("No program membership in the data (customers.joined_program_at or a "
                               "loyalty_card column): reach and member comparisons are not computed."),
        "skip.points_balance": ("No points ledger: the redemption rate comes from points_earned / "
                                "points_redeemed on the checks; breakage, outstanding balance and "
                                "liability need the ledger."),
        "skip.no_points": "No points ledger and no points columns on the checks.",
        "skip.no_accrual": "No points on the checks and no ledger: accrual rate unknown.",
        "skip.no_monthly_accrual": "No monthly accrual data.",
        "skip.no_unsubscribes": "No unsubscribe dates (customers.unsubscribed_at).",
        "skip.no_nps": "No NPS answers in the period (neither an nps table nor nps survey answers).",
        "skip.no_csat": "No 'csat' answers in the surveys table for the period.",
        "skip.no_awareness": "No 'awareness' answers in the surveys table for the period.",
        "skip.no_motive": "No 'motive' answers in the surveys table for the period.",
        "skip.no_tiers": "Participation by spend tier needs membership, a launch date and checks before it.",
        "skip.no_lfl": "The data does not cover a full earlier period to compare with.",
        "say.reach": ("The program has {members:number} members, {reach:percent0} of identified "
                      "customers; {active:percent0} of them bought within the activity window."),
        "say.member_share": ("Members make {checks:percent0} of checks and {revenue:percent0} of revenue "
                             "since launch; months whose share departs sharply from its norm (a "
                             "technical fault or a sale?): {months}."),
        "say.checks": ("A member's average check is {check_members:money} against {check_others:money} "
                       "for identified non-members, with {freq_members:number2} vs {freq_others:number2} "
                       "checks a month; members self-select, so this gap is not the program's effect "
                       "(see the uplift section)."),
        "say.checks_all_anonymous": ("The average check is **{average:money}**; no check carries a customer "
                                     "id, so buyer groups cannot be compared."),
        "say.checks_anonymous": ("The average check is {identified:money} for identified buyers and "
                                 "{anonymous:money} for anonymous ones; members cannot be told apart in "
                                 "this data."),
        "say.points_none": "No points were accrued in the period.",
        "say.points_checks": ("Members redeemed {redemption:percent0} of the points accrued (from the "
                              "checks; without a points ledger, expiry and the outstanding balance are "
                              "unknown)."),
        "say.points_ledger": ("Members redeemed {redemption:percent0} of the points accrued and "
                              "{breakage:percent0} expired; outstanding points are a liability of "
                              "{liability:money}."),
        "say.accrual": ("The program effectively gives back {rate:percent} of the amount of the checks "
                        "it was used on."),
        "say.unsubscribes": "{rate:percent} of program members have opted out of mailings.",
        "say.nps": ("NPS is {score:.0f} (95% interval {low:.0f} to {high:.0f}, {responses} answers): "
                    "{promoters:percent0} promoters, {detractors:percent0} detractors."),
        "say.csat": "Satisfaction (CSAT) averages {mean:.2f} out of 5; {satisfied:percent0} answer 4 or 5.",
        "say.awareness": "{awareness:percent0} of respondents know the program.",
        "say.motive": ("{value:percent0} take part for the value and {brand:percent0} for the brand; "
                       "where value dominates, the brand bond needs work."),
        "say.tiers": ("{high:percent0} of high spenders joined, {middle:percent0} of middle and "
                      "{low:percent0} of low: the top third joins {ratio:.1f}x as often as the bottom "
                      "(the seed's benchmark is about 4x)."),
        "say.lfl": ("Revenue on comparable periods: {yoy}, {mom}, {wow}; this is the overall trend, not "
                    "the program's effect."),
        "lfl_change": "{name} {change:+.1f}%",
        "lfl_change_na": "{name} n/a",
        "kpi.members": "Program members",
        "kpi.reach": "Reach (members / identified customers)",
        "kpi.active_member_share": "Active members (share)",
        "kpi.member_transaction_share": "Member share of checks",
        "kpi.member_revenue_share": "Member share of revenue",
        "kpi.avg_check.members": "Average check, members",
        "kpi.avg_check.non_members": "Average check, identified non-members",
        "kpi.avg_check.anonymous": "Average check, anonymous",
        "kpi.frequency.members": "Checks per month, members",
        "kpi.frequency.non_members": "Checks per month, identified non-members",
        "kpi.items_per_check": "Items per check",
        "kpi.redemption_rate": "Redemption rate (redeemed / accrued)",
        "kpi.breakage_rate": "Breakage (expired / accrued)",
        "kpi.points_liability": "Points liability",
        "kpi.effective_accrual_rate": "Effective accrual rate",
        "kpi.unsubscribe_rate": "Members opted out of mailings",
        "kpi.nps.score": "NPS",
        "kpi.csat.mean": "CSAT (1-5)",
        "kpi.csat.satisfied_share": "CSAT: share of 4-5",
        "kpi.awareness": "Program awareness",
        "kpi.participation_by_tier.top_to_bottom_ratio": "Participation, top vs bottom spend third",
        "kpi.lfl.yoy": "Revenue YoY (last full month)",
        "kpi.lfl.mom": "Revenue MoM (last full month)",
        "kpi.lfl.wow": "Revenue WoW (last full week)",
        **VALUE_FORMATS,
    },
    "ru": {
        "title": "Показатели программы",
        "na": "н/д",
        "no_months": "нет",
        "caption.headline": "Показатели программы кратко",
        "caption.members_chart": ("Новые участники по месяцам и по происхождению; участники и активные "
                                  "участники на конец месяца"),
        "caption.members": "Участники по месяцам",
        "caption.member_share_chart": "Доля участников в чеках и выручке по месяцам",
        "caption.member_share": "Доля участников по месяцам",
        "caption.checks_chart": "Средний чек, чеков на покупателя в месяц, товаров в чеке",
        "caption.checks_summary": "Чеки по группам покупателей с запуска программы",
        "caption.checks_monthly": "Чеки по группам покупателей и месяцам",
        "caption.checks_by_store_id": "Чеки по магазинам за период",
        "caption.checks_by_region": "Чеки по регионам за период",
        "caption.points_chart": "Баллы по месяцам, накопленные доли и обязательства по остатку",
        "caption.points": "Баллы по месяцам",
        "caption.accrual_chart": "Стоимость начисленных баллов на единицу суммы чеков с программой",
        "caption.unsubscribes_chart": "Отписки по месяцам и доля отписавшихся участников",
        "caption.unsubscribes": "Отписки по месяцам",
        "caption.nps_chart": "NPS по месяцам с 95 % интервалом и структура ответов",
        "caption.nps_groups": "NPS участников и неучастников",
        "caption.nps_monthly": "NPS по месяцам",
        "caption.csat_chart": "Средняя удовлетворённость по месяцам",
        "caption.csat": "CSAT участников и неучастников",
        "caption.awareness_chart": "Доля опрошенных, знающих о программе",
        "caption.awareness": "Осведомлённость участников и неучастников",
        "caption.motives_chart": "Почему участники участвуют, по месяцам",
        "caption.motives": "Мотивы участия",
        "caption.tiers_chart": "Доля вступивших клиентов по тратам до запуска",
        "caption.tiers": "Участие по уровню трат",
        "caption.lfl": "Изменения в сопоставимых периодах",
        "caption.yoy_chart": "Выручка по месяцам против того же месяца год назад",
        "skip.no_membership": ("В данных нет признака участия в программе (customers.joined_program_at "
                               "или столбца loyalty_card): охват и сравнения участников не "
                               "рассчитываются."),
        "skip.points_balance": ("Нет журнала баллов: доля списания рассчитана по points_earned / "
                                "points_redeemed в чеках; для сгорания, остатка и обязательств нужен "
                                "журнал."),
        "skip.no_points": "Нет ни журнала баллов, ни баллов в чеках.",
        "skip.no_accrual": "Нет ни баллов в чеках, ни журнала: ставка начисления неизвестна.",
        "skip.no_monthly_accrual": "Нет помесячных данных о начислениях.",
        "skip.no_unsubscribes": "Нет дат отписки (customers.unsubscribed_at).",
        "skip.no_nps": "Нет ответов NPS за период (ни таблицы nps, ни ответов nps в опросах).",
        "skip.no_csat": "Нет ответов csat в таблице опросов за период.",
        "skip.no_awareness": "Нет ответов awareness в таблице опросов за период.",
        "skip.no_motive": "Нет ответов motive в таблице опросов за период.",
        "skip.no_tiers": "Для участия по уровню трат нужны признак участия, дата запуска и чеки до неё.",
        "skip.no_lfl": "Данные не покрывают полного предыдущего периода для сравнения.",
        "say.reach": ("В программе {members:number} участников, это {reach:percent0} идентифицированных "
                      "клиентов; активны (покупали в окне активности) {active:percent0}."),
        "say.member_share": ("Участники дают {checks:percent0} чеков и {revenue:percent0} выручки с "
                             "запуска программы; месяцы с резким отклонением доли от нормы (технический "
                             "сбой или распродажа?): {months}."),
        "say.checks": ("Средний чек участника {check_members:money} против {check_others:money} у "
                       "идентифицированных неучастников; частота {freq_members:number2} против "
                       "{freq_others:number2} чека в месяц. Участники сами выбирают вступить, поэтому "
                       "разница не равна эффекту программы."),
        "say.checks_all_anonymous": ("Средний чек **{average:money}**; ни в одном чеке нет идентификатора "
                                     "клиента, поэтому группы покупателей сравнить нельзя."),
        "say.checks_anonymous": ("Средний чек идентифицированных покупателей {identified:money}, "
                                 "анонимных {anonymous:money}; участников программы по данным не "
                                 "отличить."),
        "say.points_none": "За период баллы не начислялись.",
        "say.points_checks": ("Погашено {redemption:percent0} начисленных баллов (по данным чеков; без "
                              "журнала баллов сгорание и остаток неизвестны)."),
        "say.points_ledger": ("Погашено {redemption:percent0} начисленных баллов, сгорело "
                              "{breakage:percent0}; обязательства по остатку баллов: {liability:money}."),
        "say.accrual": ("Фактический кешбэк программы: {rate:percent} от суммы чеков, по которым она "
                        "применялась."),
        "say.unsubscribes": "От рассылок отписались {rate:percent} участников программы.",
        "say.nps": ("NPS {score:.0f} (95% интервал {low:.0f}..{high:.0f}, {responses} ответов): "
                    "{promoters:percent0} промоутеров, {detractors:percent0} критиков."),
        "say.csat": "Удовлетворённость (CSAT) {mean:.2f} из 5, довольны (4–5) {satisfied:percent0}.",
        "say.awareness": "О программе знают {awareness:percent0} опрошенных.",
        "say.motive": ("Ради выгоды участвуют {value:percent0}, ради бренда {brand:percent0}: если "
                       "преобладает выгода, стоит укреплять эмоциональную связь с брендом."),
        "say.tiers": ("Вступили {high:percent0} крупных, {middle:percent0} средних и {low:percent0} "
                      "мелких покупателей: в {ratio:.1f} раза чаще сверху, чем снизу (по исследованиям — "
                      "около 4)."),
        "say.lfl": ("Выручка в сопоставимых периодах: {yoy}, {mom}, {wow}; это общий тренд, а не эффект "
                    "программы."),
        "lfl_change": "{name} {change:+.1f}%",
        "lfl_change_na": "{name} н/д",
        "kpi.members": "Участники программы",
        "kpi.reach": "Охват (участники / идентифицированные клиенты)",
        "kpi.active_member_share": "Активные участники (доля)",
        "kpi.member_transaction_share": "Доля участников в чеках",
        "kpi.member_revenue_share": "Доля участников в выручке",
        "kpi.avg_check.members": "Средний чек, участники",
        "kpi.avg_check.non_members": "Средний чек, идентифицированные неучастники",
        "kpi.avg_check.anonymous": "Средний чек, анонимные",
        "kpi.frequency.members": "Чеков в месяц, участники",
        "kpi.frequency.non_members": "Чеков в месяц, идентифицированные неучастники",
        "kpi.items_per_check": "Товаров в чеке",
        "kpi.redemption_rate": "Доля списания (списано / начислено)",
        "kpi.breakage_rate": "Сгорание (сгорело / начислено)",
        "kpi.points_liability": "Обязательства по баллам",
        "kpi.effective_accrual_rate": "Фактическая ставка начисления",
        "kpi.unsubscribe_rate": "Участники, отписавшиеся от рассылок",
        "kpi.nps.score": "NPS",
        "kpi.csat.mean": "CSAT (1–5)",
        "kpi.csat.satisfied_share": "CSAT: доля оценок 4–5",
        "kpi.awareness": "Осведомлённость о программе",
        "kpi.participation_by_tier.top_to_bottom_ratio": "Участие: верхняя треть по тратам против нижней",
        "kpi.lfl.yoy": "Выручка YoY (последний полный месяц)",
        "kpi.lfl.mom": "Выручка MoM (последний полный месяц)",
        "kpi.lfl.wow": "Выручка WoW (последняя полная неделя)",
        **VALUE_FORMATS,
    },
}

TILE = {
    "en": {
        "member_revenue_share": "Members' share of revenue",
        "member_revenue_share.note": "{share:percent} of checks",
        "active_members": "Active members",
        "active_members.note": "{share:percent0} of {members:number} members",
        "redemption_rate": "Points redeemed",
        "redemption_rate.note": "expired (breakage): {breakage:percent}",
        "nps": "NPS",
        "nps.note": "95% CI {low:+number} to {high:+number}; {responses:number} answers",
    },
    "ru": {
        "member_revenue_share": "Доля участников в выручке",
        "member_revenue_share.note": "{share:percent} чеков",
        "active_members": "Активные участники",
        "active_members.note": "{share:percent0} от числа участников ({members:number})",
        "redemption_rate": "Списано баллов",
        "redemption_rate.note": "сгорело: {breakage:percent}",
        "nps": "NPS",
        "nps.note": "95 % ДИ: от {low:+number} до {high:+number}; ответов: {responses:number}",
    },
}

FINDING = {
    "en": {
        "member_share": ("Members ({members:number} customers, {reach:percent} of identified customers) "
                         "bring {revenue_share:percent} of revenue and {check_share:percent} of checks."),
        "member_share_short": "Members bring {revenue_share:percent} of revenue.",
        "member_behaviour": ("A member makes {freq_members:number1} checks a month against "
                             "{freq_others:number1} for an identified non-member; the average check is "
                             "{check_members:money} against {check_others:money}."),
        "lfl": ("Revenue of the last full month changed by {yoy:+percent} against the same month a year "
                "earlier (like-for-like stores)."),
        "points": ("Members redeemed {redemption:percent} of the points accrued and {breakage:percent} "
                   "expired; the outstanding points are worth {liability:money}."),
        "points_short": "Members redeemed {redemption:percent} of the points accrued.",
        "nps": ("NPS is {score:+number} (95% CI {low:+number} to {high:+number}, {responses:number} "
                "answers): {promoters:percent0} promoters, {detractors:percent0} detractors."),
    },
    "ru": {
        "member_share": ("Участники программы (всего {members:number}, это {reach:percent} "
                         "идентифицированных клиентов) приносят {revenue_share:percent} выручки и "
                         "{check_share:percent} чеков."),
        "member_share_short": "Участники программы приносят {revenue_share:percent} выручки.",
        "member_behaviour": ("Участник совершает {freq_members:number1} покупки в месяц против "
                             "{freq_others:number1} у идентифицированного неучастника; средний чек — "
                             "{check_members:money} против {check_others:money}."),
        "lfl": ("Выручка последнего полного месяца изменилась на {yoy:+percent} к тому же месяцу "
                "прошлого года (в сопоставимых магазинах)."),
        "points": ("Участники списали {redemption:percent} начисленных баллов, сгорело "
                   "{breakage:percent}; оставшиеся на счетах баллы стоят {liability:money}."),
        "points_short": "Участники списали {redemption:percent} начисленных баллов.",
        "nps": ("NPS равен {score:+number} (95 % ДИ: от {low:+number} до {high:+number}, ответов: "
                "{responses:number}): промоутеров {promoters:percent0}, критиков {detractors:percent0}."),
    },
}

METHOD = {
    "en": {
        "group.program": "Program KPIs",
        "member_share.title": "Member share of revenue and checks",
        "member_share.formula": ("revenue share = net revenue of member checks / net revenue; check "
                                 "share = member checks / all checks"),
        "member_share.text": ("A check is a member's when its customer had joined the program by the day "
                              "of the check. Checks are purchases (amount > 0); revenue is net of "
                              "returns. Counted since the program's launch."),
        "active_members.title": "Active members and reach",
        "active_members.formula": ("active share = members with a check in the activity window / "
                                   "members; reach = members / identified customers"),
        "active_members.text": ("Measured at the period end; the activity window is set in the "
                                "configuration (90 days by default)."),
        "redemption.title": "Redemption rate",
        "redemption.formula": "redemption rate = points redeemed / points accrued",
        "redemption.text": "Over the analysed period, from the points ledger (or the checks' points).",
        "breakage.title": "Breakage",
        "breakage.formula": "breakage = points expired / points accrued",
        "breakage.text": ("Points that burn unused. High breakage lowers the program's cost but shows "
                          "members who are not engaged. Liability = outstanding points × point value."),
        "nps.title": "Net Promoter Score (NPS)",
        "nps.formula": "NPS = share of promoters (9–10) − share of detractors (0–6)",
        "nps.text": ("From answers on a 0–10 scale, shown on the usual −100..100 scale. 95% interval: "
                     "NPS ± 1.96 × √((promoters + detractors − NPS²) / n)."),
        "lfl.title": "Like-for-like (LFL) change",
        "lfl.formula": "LFL = revenue of the period / revenue of the comparable period − 1",
        "lfl.text": ("The last full month against the same month a year earlier (YoY), the month before "
                     "(MoM); the last full week against the week before (WoW). Only stores with sales in "
                     "both periods."),
    },
    "ru": {
        "group.program": "Показатели программы",
        "member_share.title": "Доля участников в выручке и чеках",
        "member_share.formula": ("доля в выручке = чистая выручка чеков участников / чистая выручка; "
                                 "доля в чеках = чеки участников / все чеки"),
        "member_share.text": ("Чек считается чеком участника, если покупатель вступил в программу не "
                              "позднее дня покупки. Чеки — покупки (сумма > 0); выручка — за вычетом "
                              "возвратов. Считается с даты запуска программы."),
        "active_members.title": "Активные участники и охват",
        "active_members.formula": ("доля активных = участники с покупкой в окне активности / участники; "
                                   "охват = участники / идентифицированные клиенты"),
        "active_members.text": ("На конец периода; окно активности задаётся в настройках (по умолчанию "
                                "90 дней)."),
        "redemption.title": "Доля списания баллов",
        "redemption.formula": "доля списания = списанные баллы / начисленные баллы",
        "redemption.text": "За анализируемый период, по журналу баллов (или по баллам в чеках).",
        "breakage.title": "Сгорание баллов (breakage)",
        "breakage.formula": "сгорание = сгоревшие баллы / начисленные баллы",
        "breakage.text": ("Баллы, которые сгорели неиспользованными. Высокое сгорание снижает затраты "
                          "программы, но говорит о слабой вовлечённости участников. Обязательства = "
                          "остаток баллов × стоимость балла."),
        "nps.title": "Индекс потребительской лояльности (NPS)",
        "nps.formula": "NPS = доля промоутеров (9–10) − доля критиков (0–6)",
        "nps.text": ("По ответам по шкале 0–10, в привычной шкале от −100 до 100. 95 % интервал: NPS ± "
                     "1,96 × √((промоутеры + критики − NPS²) / n)."),
        "lfl.title": "Изменение в сопоставимых границах (LFL)",
        "lfl.formula": "LFL = выручка периода / выручка сопоставимого периода − 1",
        "lfl.text": ("Последний полный месяц к тому же месяцу прошлого года (YoY) и к предыдущему месяцу "
                     "(MoM); последняя полная неделя к предыдущей (WoW). Только магазины с продажами в "
                     "обоих периодах."),
    },
}

LABELS = {
    "ru": {
        "new_members": "Новые участники",
        "new_from_existing": "Новые из существующих клиентов",
        "new_from_new": "Новые клиенты",
        "cumulative_members": "Участников всего",
        "active_members": "Активные участники",
        "active_share": "Доля активных",
        "member_checks": "Чеки участников",
        "member_revenue": "Выручка участников",
        "transaction_share": "Доля чеков",
        "transaction_share_norm": "Норма доли чеков",
        "transaction_share_anomaly": "Отклонение доли чеков",
        "revenue_share_norm": "Норма доли выручки",
        "revenue_share_anomaly": "Отклонение доли выручки",
        "buyer_group": "Группа покупателей",
        "sales": "Продажи",
        "avg_check": "Средний чек",
        "identified_share": "Доля идентифицированных чеков",
        "items_per_check": "Товаров в чеке",
        "anonymous": "анонимные",
        "identified": "идентифицированные",
        "accrued": "Начислено",
        "redeemed": "Списано",
        "expired": "Сгорело",
        "adjusted": "Скорректировано",
        "balance": "Остаток",
        "redemption_rate": "Доля списания",
        "cumulative_redemption_rate": "Доля списания нарастающим итогом",
        "breakage_rate": "Доля сгорания",
        "cumulative_breakage_rate": "Доля сгорания нарастающим итогом",
        "liability": "Обязательства",
        "subscribed": "Подписаны",
        "unsubscribes": "Отписки",
        "monthly_unsubscribe_rate": "Доля отписок за месяц",
        "cumulative_unsubscribe_rate": "Доля отписавшихся нарастающим итогом",
        "responses": "Ответов",
        "promoters": "Промоутеры",
        "passives": "Нейтралы",
        "detractors": "Критики",
        "unlinked": "без привязки к клиенту",
        "mean": "Среднее",
        "satisfied_share": "Доля довольных (4–5)",
        "awareness": "Осведомлённость",
        "program_motives:value": "Ради выгоды",
        "brand": "Ради бренда",
        "other": "Другое",
        "mean_baseline_spend": "Средние траты до запуска",
        "participation_rate": "Доля вступивших",
        "high": "верхняя треть",
        "middle": "средняя треть",
        "low": "нижняя треть",
        "comparison": "Сравнение",
        "current_period": "Текущий период",
        "previous_period": "Предыдущий период",
        "stores": "Магазины",
        "program_lfl:all": "все магазины",
        "program_lfl:same": "те же магазины",
        "current": "Сейчас",
        "previous": "Ранее",
        "change_pct": "Изменение, %",
        "active_customers": "Активные клиенты",
        "yoy": "YoY",
        "mom": "MoM",
        "wow": "WoW",
        "identified non-members": "идентифицированные неучастники",
        "existing customers": "существующие клиенты",
        "active members": "активные участники",
        "motive": "Мотив",
        "flow": "Операция",
        "buyers": "Покупатели",
        "new customers": "новые клиенты",
        "New members per month, by origin": "Новые участники по месяцам, по происхождению",
        "Members and active members at month end": "Участники и активные участники на конец месяца",
        "of checks": "в чеках",
        "of revenue": "в выручке",
        "sharp deviation": "резкое отклонение",
        "Member share of checks and revenue": "Доля участников в чеках и выручке",
        "Average check": "Средний чек",
        "Checks per buying customer per month": "Чеков на покупателя в месяц",
        "redeemed / accrued": "списано / начислено",
        "expired / accrued": "сгорело / начислено",
        "Cumulative redemption and breakage rates since the period start": ("Доли списания и сгорания "
                                                                            "нарастающим итогом с начала "
                                                                            "периода"),
        "Outstanding points liability at month end (balance x point value)": ("Обязательства по остатку "
                                                                              "баллов на конец месяца "
                                                                              "(остаток × стоимость "
                                                                              "балла)"),
        "money": "деньги",
        "Opt-outs from mailings per month": "Отписки от рассылок по месяцам",
        "Share of members who have opted out": "Доля отписавшихся участников",
        "95% interval": "95 % интервал",
        "Answer composition": "Структура ответов",
        "Why members take part": "Почему участники участвуют",
        "share of answers": "доля ответов",
        "Share of customers who joined, by spend before launch": ("Доля вступивших клиентов по тратам до "
                                                                  "запуска"),
        "joined": "вступили",
        "spend tier (thirds)": "уровень трат (трети)",
        "this year": "этот год",
        "a year earlier": "год назад",
        "Revenue per month vs the same month a year earlier": ("Выручка по месяцам против того же месяца "
                                                               "год назад"),
        "Effective accrual rate per month": "Фактическая ставка начисления по месяцам",
        "CSAT per month (1-5)": "CSAT по месяцам (1–5)",
        "Program awareness per month": "Осведомлённость о программе по месяцам",
    },
}

register("program", PROGRAM, labels=LABELS)
register("tile", TILE)
register("finding", FINDING)
register("method", METHOD)
