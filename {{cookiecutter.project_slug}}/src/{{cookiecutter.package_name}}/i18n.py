"""Every text of the report frame in English and Russian, in one table: `translate(key, language)`.

The frame is what surrounds the sections: cover, executive summary (tiles and findings), contents,
the methodology and data-quality appendices, the footer. Keys are dotted names grouped by their use:

* ``report.*``   cover, headings, footer;
* ``tile.*``     headline tiles (label and note texts, see `summary.TILES`);
* ``finding.*``  sentence templates of the findings (`str.format` fields, see `summary.findings`);
* ``method.*``   methodology appendix: a group's heading, or an entry's title / formula / text;
* ``dq.*``       data-quality appendix rows.

Sections may use the same table for their own texts later: add keys to both languages (a test checks
that both have the same keys). Templates use `str.format` fields in single braces.

The sections' own texts (table captions, column names and label values, chart titles, axis labels and
legends, sentences, skip reasons) are written in English in the notebooks and modules; `TEXT_RU` maps
each English text, exactly as written, to its Russian translation. `text(english, language)` looks one
up (an unknown text stays as it is); `sentence(template, language, **fields)` translates a template
and fills its fields, numbers and dates in the language's format, chosen by the field's format spec:

=====================  =========================================  ========================
spec                   meaning                                    en / ru example
=====================  =========================================  ========================
``{n:number}``         count or amount, 0 decimals                ``1,234`` / ``1 234``
``{x:number1}``        1 decimal (``number2``: 2)                 ``3.5`` / ``3,5``
``{p:percent}``        fraction as a percentage, 1 decimal        ``12.3%`` / ``12,3 %``
``{p:percent0}``       0 decimals                                 ``12%`` / ``12 %``
``{p:+percent}``       signed, 1 decimal (``+percent0``: 0)        ``+12.3%`` / ``+12,3 %``
``{m:money}``          money in the run's currency                ``1,234 RUB`` / ``1 234 ₽``
``{n:+number}``        signed count / amount                      ``+1,234`` / ``+1 234``
``{d:date}``           a date                                     ``31 Dec 2024`` / ``31.12.2024``
``{s}``                anything else: `str`, translated when a    ``members`` / ``участники``
                       text of the catalogue
=====================  =========================================  ========================

Notebook markdown cells carry their Russian text in the cell's metadata (``metadata.i18n.ru``); the
report uses it for a Russian run (`report.render_notebook`).
"""

from __future__ import annotations

import re
import string
from typing import Any

LANGUAGES = ("en", "ru")
DEFAULT_LANGUAGE = "en"

EN: dict[str, str] = {
    # --- cover, navigation, footer
    "report.title": "Loyalty program analysis",
    "report.client": "Client",
    "report.period": "Period",
    "report.run": "Run",
    "report.generated": "Generated",
    "report.currency": "Currency",
    "report.contents": "Contents",
    "report.summary": "Executive summary",
    "report.key_figures": "Key figures",
    "report.findings": "Findings",
    "report.tiles_legend": ("Under the value: change against the previous period (— where the data hold no "
                            "previous period). Green: better, red: worse, grey: no judgement."),
    "report.no_data": "Not enough data for the headline figures.",
    "report.methodology": "Appendix A. Methodology: formulas and definitions",
    "report.methodology_intro": ("How every number of this report is computed. Fractions are shown as "
                                 "percentages; money is in the client's currency."),
    "report.data_quality": "Appendix B. Data quality",
    "report.data_quality_intro": ("What was read from the client's files and what the cleaning rules "
                                  "set aside (details in the data-quality section)."),
    "report.indicator": "Indicator",
    "report.value": "Value",
    "report.footer": "Prepared with the loyalty analytics pipeline",
    "report.confidential": "Confidential: for the client's internal use",
    # --- tiles
    "tile.member_revenue_share": "Members' share of revenue",
    "tile.member_revenue_share.note": "{share} of checks",
    "tile.active_members": "Active members",
    "tile.active_members.note": "{share} of {members} members",
    "tile.redemption_rate": "Points redeemed",
    "tile.redemption_rate.note": "expired (breakage): {breakage}",
    "tile.nps": "NPS",
    "tile.nps.note": "95% CI {low} to {high}; {responses} answers",
    "tile.churn_rate": "Customer churn, {months} months",
    "tile.churn_rate.note": "CRR {crr}; reactivation {reactivation}",
    "tile.mean_clv": "Mean CLV per customer",
    "tile.mean_clv.note": "{months} months, gross margin, discounted; {model}",
    "tile.program_effect": "Program effect on member spend",
    "tile.program_effect.note": "{method}; 95% CI {low} to {high}",
    "tile.roi": "Program ROI",
    "tile.roi.note": "incremental revenue {revenue}; cost {cost}",
    "tile.method.did": "difference-in-differences",
    "tile.method.matched": "matched comparison",
    # --- findings (str.format templates)
    "finding.member_share": ("Members ({members} customers, {reach} of identified customers) bring "
                             "{revenue_share} of revenue and {check_share} of checks."),
    "finding.member_share_short": "Members bring {revenue_share} of revenue.",
    "finding.member_behaviour": ("A member makes {freq_members} checks a month against {freq_others} for "
                                 "an identified non-member; the average check is {check_members} against "
                                 "{check_others}."),
    "finding.lfl": ("Revenue of the last full month changed by {yoy} against the same month a year "
                    "earlier (like-for-like stores)."),
    "finding.uplift": ("The naive member vs non-member gap ({naive}) overstates the program, because "
                       "heavier buyers join more often: the matched estimate is {matched} (95% CI "
                       "{matched_low} to {matched_high})"),
    "finding.uplift_did": (" and the difference-in-differences estimate {did} (95% CI {did_low} to "
                           "{did_high})"),
    "finding.uplift_end": ".",
    "finding.uplift_unsure": " The interval includes zero: the effect is not statistically confirmed.",
    "finding.uplift_only": ("The program's effect on member spend is {estimate} (95% CI {low} to "
                            "{high}, {method})."),
    "finding.roi": ("Program ROI is {roi}: incremental revenue of {revenue} gives {margin} of gross "
                    "margin against a cost of {cost}."),
    "finding.roi_short": "Program ROI is {roi} against a cost of {cost}.",
    "finding.churn": ("Over the last {months} months the customer retention rate (CRR) was {crr}, "
                      "churn {churn}"),
    "finding.churn_monthly": ("; monthly churn of members is {members} against {non_members} for "
                              "non-members"),
    "finding.churn_end": ".",
    "finding.churn_monthly_only": ("Monthly churn of members is {members} against {non_members} for "
                                   "non-members."),
    "finding.clv": ("CLV model: {model} with Gamma-Gamma gives a mean {months}-month CLV of {clv} per "
                    "customer (gross margin, discounted); on the holdout period it predicted {predicted} "
                    "repeat purchases against {actual} actual (error {error})."),
    "finding.clv_short": "Mean {months}-month CLV is {clv} per customer (gross margin, discounted).",
    "finding.points": ("Members redeemed {redemption} of the points accrued and {breakage} expired; "
                       "the outstanding points are worth {liability}."),
    "finding.points_short": "Members redeemed {redemption} of the points accrued.",
    "finding.nps": ("NPS is {score} (95% CI {low} to {high}, {responses} answers): {promoters} promoters, "
                    "{detractors} detractors."),
    "finding.rfm": ("Champions and loyal customers are {customers} of customers and bring {revenue} of "
                    "revenue."),
    # --- methodology appendix
    "method.group.program": "Program KPIs",
    "method.group.retention": "Retention",
    "method.group.uplift": "Program effect and ROI",
    "method.group.clv": "Customer lifetime value",
    "method.member_share.title": "Member share of revenue and checks",
    "method.member_share.formula": ("revenue share = net revenue of member checks / net revenue; "
                                    "check share = member checks / all checks"),
    "method.member_share.text": ("A check is a member's when its customer had joined the program by the "
                                 "day of the check. Checks are purchases (amount > 0); revenue is net of "
                                 "returns. Counted since the program's launch."),
    "method.active_members.title": "Active members and reach",
    "method.active_members.formula": ("active share = members with a check in the activity window / "
                                      "members; reach = members / identified customers"),
    "method.active_members.text": ("Measured at the period end; the activity window is set in the "
                                   "configuration (90 days by default)."),
    "method.redemption.title": "Redemption rate",
    "method.redemption.formula": "redemption rate = points redeemed / points accrued",
    "method.redemption.text": "Over the analysed period, from the points ledger (or the checks' points).",
    "method.breakage.title": "Breakage",
    "method.breakage.formula": "breakage = points expired / points accrued",
    "method.breakage.text": ("Points that burn unused. High breakage lowers the program's cost but shows "
                             "members who are not engaged. Liability = outstanding points × point value."),
    "method.nps.title": "Net Promoter Score (NPS)",
    "method.nps.formula": "NPS = share of promoters (9–10) − share of detractors (0–6)",
    "method.nps.text": ("From answers on a 0–10 scale, shown on the usual −100..100 scale. 95% interval: "
                        "NPS ± 1.96 × √((promoters + detractors − NPS²) / n)."),
    "method.lfl.title": "Like-for-like (LFL) change",
    "method.lfl.formula": "LFL = revenue of the period / revenue of the comparable period − 1",
    "method.lfl.text": ("The last full month against the same month a year earlier (YoY), the month "
                        "before (MoM); the last full week against the week before (WoW). Only stores "
                        "with sales in both periods."),
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
    "method.rfm.title": "RFM segments",
    "method.rfm.formula": "R = days since the last purchase, F = purchases, M = net revenue",
    "method.rfm.text": ("Customers are scored by quantiles of recency and frequency and placed on a grid "
                        "of named segments (champions, loyal, at risk, lost, ...) at the period end."),
    "method.naive_uplift.title": "Naive uplift (shown for contrast only)",
    "method.naive_uplift.formula": ("naive uplift = (ARPU members − ARPU non-members) / ARPU non-members"),
    "method.naive_uplift.text": ("Biased upwards by self-selection: customers who already buy more join "
                                 "the program more often, so the gap would exist without the program. "
                                 "It is not an effect of the program."),
    "method.matched.title": "Matched comparison",
    "method.matched.formula": "effect = mean post spend of members / mean post spend of matched controls − 1",
    "method.matched.text": ("Each member is paired with the most similar customer who had not joined yet "
                            "(checks, average check, recency, tenure and history before the join day, "
                            "within the same value tier) at the same calendar date; spend is measured "
                            "after joining. A control who joins later counts its spend after joining "
                            "divided by (1 + effect). 95% interval: bootstrap over the pairs."),
    "method.did.title": "Difference-in-differences (DiD)",
    "method.did.formula": ("effect = post(members) / (pre(members) × post(controls) / pre(controls)) − 1"),
    "method.did.text": ("Compares the change of members' spend from before to after joining with the "
                        "change of their matched controls' spend over the same dates, so stable "
                        "differences in spending level cancel out. The headline effect of the program."),
    "method.incremental.title": "Incremental revenue",
    "method.incremental.formula": "incremental revenue = member revenue × effect / (1 + effect)",
    "method.incremental.text": ("Member revenue since joining already contains the effect; the "
                                "counterfactual revenue is member revenue / (1 + effect)."),
    "method.roi.title": "Return on investment (ROI)",
    "method.roi.formula": "ROI = (incremental margin − cost) / cost",
    "method.roi.text": ("Incremental margin = incremental revenue × gross margin; cost = points redeemed "
                        "× point value + monthly operating cost × months since launch."),
    "method.bgnbd.title": "BG/NBD model",
    "method.bgnbd.formula": ("purchases ~ Poisson(λ), λ ~ Gamma(r, α); after each purchase "
                             "the customer drops out with probability p, p ~ Beta(a, b)"),
    "method.bgnbd.text": ("Buy-till-you-die model of repeat purchases from frequency, recency and age "
                          "of each customer (Fader, Hardie & Lee, 2005)."),
    "method.pareto_nbd.title": "Pareto/NBD model",
    "method.pareto_nbd.formula": ("purchases ~ Poisson(λ), λ ~ Gamma(r, α); lifetime ~ "
                                  "Exponential(μ), μ ~ Gamma(s, β)"),
    "method.pareto_nbd.text": ("The customer may drop out at any time, not only after a purchase. Of "
                               "BG/NBD and Pareto/NBD the model with the lower error on the holdout "
                               "period is used."),
    "method.gamma_gamma.title": "Gamma-Gamma spend model",
    "method.gamma_gamma.formula": "spend per purchase ~ Gamma(p, ν), ν ~ Gamma(q, v)",
    "method.gamma_gamma.text": ("Expected spend per purchase of each repeat buyer, shrunk towards the "
                                "mean of all customers when the customer has few purchases."),
    "method.clv.title": "CLV and discounting",
    "method.clv.formula": ("CLV = gross margin × expected spend × sum over months t of expected purchases "
                           "in t / (1 + d)^t, d = (1 + annual rate)^(1/12) − 1"),
    "method.clv.text": ("Over the horizon (12 months by default), in gross-margin money. The holdout "
                        "error = |predicted − actual| / actual repeat purchases in the holdout period."),
    # --- data-quality appendix
    "dq.rows": "Rows read: {table}",
    "dq.rejected_rows": "Checks set aside by the cleaning rules",
    "dq.completeness": "Customers with {field}",
    "dq.field.email": "a valid email",
    "dq.field.phone": "a phone number",
    "dq.field.name": "first and last name",
    "dq.table.transactions": "transactions",
    "dq.table.customers": "customers",
    "dq.table.points": "points ledger",
    "dq.table.nps": "NPS answers",
    "dq.table.surveys": "surveys",
    "dq.table.campaigns": "campaigns",
    "dq.not_provided": "not provided",
}

RU: dict[str, str] = {
    # --- обложка, навигация, подвал
    "report.title": "Анализ программы лояльности",
    "report.client": "Клиент",
    "report.period": "Период",
    "report.run": "Запуск",
    "report.generated": "Сформирован",
    "report.currency": "Валюта",
    "report.contents": "Содержание",
    "report.summary": "Краткие выводы",
    "report.key_figures": "Ключевые показатели",
    "report.findings": "Выводы",
    "report.tiles_legend": ("Под значением — изменение к предыдущему периоду (— если данных за прошлый "
                            "период нет). Зелёный — лучше, красный — хуже, серый — без оценки."),
    "report.no_data": "Недостаточно данных для ключевых показателей.",
    "report.methodology": "Приложение А. Методика: формулы и определения",
    "report.methodology_intro": ("Как рассчитан каждый показатель отчёта. Доли приведены в процентах, "
                                 "денежные суммы — в валюте клиента."),
    "report.data_quality": "Приложение Б. Качество данных",
    "report.data_quality_intro": ("Что прочитано из файлов клиента и что отложено правилами очистки "
                                  "(подробности — в разделе о качестве данных)."),
    "report.indicator": "Показатель",
    "report.value": "Значение",
    "report.footer": "Подготовлено конвейером анализа программ лояльности",
    "report.confidential": "Конфиденциально: для внутреннего использования клиентом",
    # --- плитки
    "tile.member_revenue_share": "Доля участников в выручке",
    "tile.member_revenue_share.note": "{share} чеков",
    "tile.active_members": "Активные участники",
    "tile.active_members.note": "{share} от числа участников ({members})",
    "tile.redemption_rate": "Списано баллов",
    "tile.redemption_rate.note": "сгорело: {breakage}",
    "tile.nps": "NPS",
    "tile.nps.note": "95 % ДИ: от {low} до {high}; ответов: {responses}",
    "tile.churn_rate": "Отток клиентов за {months} мес.",
    "tile.churn_rate.note": "CRR {crr}; реактивация {reactivation}",
    "tile.mean_clv": "Средний CLV клиента",
    "tile.mean_clv.note": "{months} мес., валовая маржа, с дисконтированием; {model}",
    "tile.program_effect": "Эффект программы на траты участников",
    "tile.program_effect.note": "{method}; 95 % ДИ: от {low} до {high}",
    "tile.roi": "ROI программы",
    "tile.roi.note": "доп. выручка {revenue}; затраты {cost}",
    "tile.method.did": "разность разностей",
    "tile.method.matched": "сопоставление пар",
    # --- выводы
    "finding.member_share": ("Участники программы (всего {members}, это {reach} идентифицированных "
                             "клиентов) приносят {revenue_share} выручки и {check_share} чеков."),
    "finding.member_share_short": "Участники программы приносят {revenue_share} выручки.",
    "finding.member_behaviour": ("Участник совершает {freq_members} покупки в месяц против {freq_others} "
                                 "у идентифицированного неучастника; средний чек — {check_members} "
                                 "против {check_others}."),
    "finding.lfl": ("Выручка последнего полного месяца изменилась на {yoy} к тому же месяцу прошлого "
                    "года (в сопоставимых магазинах)."),
    "finding.uplift": ("Простое сравнение участников с неучастниками ({naive}) завышает эффект "
                       "программы, потому что в неё чаще вступают те, кто и так покупает больше: оценка "
                       "на сопоставленных парах — {matched} (95 % ДИ: от {matched_low} до {matched_high})"),
    "finding.uplift_did": (", оценка методом разности разностей — {did} (95 % ДИ: от {did_low} до "
                           "{did_high})"),
    "finding.uplift_end": ".",
    "finding.uplift_unsure": " Интервал включает ноль: эффект статистически не подтверждён.",
    "finding.uplift_only": ("Эффект программы на траты участников — {estimate} (95 % ДИ: от {low} до "
                            "{high}, {method})."),
    "finding.roi": ("ROI программы — {roi}: дополнительная выручка {revenue} даёт {margin} валовой маржи "
                    "при затратах {cost}."),
    "finding.roi_short": "ROI программы — {roi} при затратах {cost}.",
    "finding.churn": ("За последние {months} мес. коэффициент удержания клиентов (CRR) составил {crr}, "
                      "отток — {churn}"),
    "finding.churn_monthly": ("; ежемесячный отток участников — {members} против {non_members} у "
                              "неучастников"),
    "finding.churn_end": ".",
    "finding.churn_monthly_only": ("Ежемесячный отток участников — {members} против {non_members} у "
                                   "неучастников."),
    "finding.clv": ("Модель CLV: {model} с Gamma-Gamma даёт средний CLV за {months} мес. {clv} на клиента "
                    "(валовая маржа, с дисконтированием); на контрольном периоде прогноз повторных "
                    "покупок — {predicted}, факт — {actual} (ошибка {error})."),
    "finding.clv_short": ("Средний CLV за {months} мес. — {clv} на клиента (валовая маржа, "
                          "с дисконтированием)."),
    "finding.points": ("Участники списали {redemption} начисленных баллов, сгорело {breakage}; "
                       "оставшиеся на счетах баллы стоят {liability}."),
    "finding.points_short": "Участники списали {redemption} начисленных баллов.",
    "finding.nps": ("NPS равен {score} (95 % ДИ: от {low} до {high}, ответов: {responses}): промоутеров "
                    "{promoters}, критиков {detractors}."),
    "finding.rfm": ("Сегменты «Чемпионы» и «Лояльные» — это {customers} клиентов, они приносят {revenue} "
                    "выручки."),
    # --- методика
    "method.group.program": "Показатели программы",
    "method.group.retention": "Удержание",
    "method.group.uplift": "Эффект программы и ROI",
    "method.group.clv": "Пожизненная ценность клиента (CLV)",
    "method.member_share.title": "Доля участников в выручке и чеках",
    "method.member_share.formula": ("доля в выручке = чистая выручка чеков участников / чистая выручка; "
                                    "доля в чеках = чеки участников / все чеки"),
    "method.member_share.text": ("Чек считается чеком участника, если покупатель вступил в программу не "
                                 "позднее дня покупки. Чеки — покупки (сумма > 0); выручка — за вычетом "
                                 "возвратов. Считается с даты запуска программы."),
    "method.active_members.title": "Активные участники и охват",
    "method.active_members.formula": ("доля активных = участники с покупкой в окне активности / "
                                      "участники; охват = участники / идентифицированные клиенты"),
    "method.active_members.text": ("На конец периода; окно активности задаётся в настройках "
                                   "(по умолчанию 90 дней)."),
    "method.redemption.title": "Доля списания баллов",
    "method.redemption.formula": "доля списания = списанные баллы / начисленные баллы",
    "method.redemption.text": "За анализируемый период, по журналу баллов (или по баллам в чеках).",
    "method.breakage.title": "Сгорание баллов (breakage)",
    "method.breakage.formula": "сгорание = сгоревшие баллы / начисленные баллы",
    "method.breakage.text": ("Баллы, которые сгорели неиспользованными. Высокое сгорание снижает затраты "
                             "программы, но говорит о слабой вовлечённости участников. Обязательства = "
                             "остаток баллов × стоимость балла."),
    "method.nps.title": "Индекс потребительской лояльности (NPS)",
    "method.nps.formula": "NPS = доля промоутеров (9–10) − доля критиков (0–6)",
    "method.nps.text": ("По ответам по шкале 0–10, в привычной шкале от −100 до 100. 95 % интервал: "
                        "NPS ± 1,96 × √((промоутеры + критики − NPS²) / n)."),
    "method.lfl.title": "Изменение в сопоставимых границах (LFL)",
    "method.lfl.formula": "LFL = выручка периода / выручка сопоставимого периода − 1",
    "method.lfl.text": ("Последний полный месяц к тому же месяцу прошлого года (YoY) и к предыдущему "
                        "месяцу (MoM); последняя полная неделя к предыдущей (WoW). Только магазины с "
                        "продажами в обоих периодах."),
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
    "method.reactivation.formula": ("реактивация = ушедшие на начало периода клиенты, совершившие покупку "
                                    "в периоде / ушедшие на начало периода"),
    "method.reactivation.text": "Показывает, какая часть ушедших клиентов возвращается.",
    "method.rfm.title": "RFM-сегменты",
    "method.rfm.formula": "R — дней с последней покупки, F — число покупок, M — чистая выручка",
    "method.rfm.text": ("Клиентам присваиваются баллы по квантилям давности и частоты покупок, по сетке "
                        "баллов они распределяются по именованным сегментам («Чемпионы», «Лояльные», "
                        "«Под угрозой», «Потерянные» и др.) на конец периода."),
    "method.naive_uplift.title": "Наивный прирост (только для сравнения)",
    "method.naive_uplift.formula": ("наивный прирост = (ARPU участников − ARPU неучастников) / ARPU "
                                    "неучастников"),
    "method.naive_uplift.text": ("Завышен из-за самоотбора: в программу чаще вступают те, кто и так "
                                 "покупает больше, поэтому разница была бы и без программы. Это не эффект "
                                 "программы."),
    "method.matched.title": "Сравнение сопоставленных пар",
    "method.matched.formula": ("эффект = средние траты участников после вступления / средние траты "
                               "подобранных контрольных клиентов − 1"),
    "method.matched.text": ("Каждому участнику подбирается самый похожий клиент, ещё не вступивший в "
                            "программу (число чеков, средний чек, давность покупки, стаж и история до "
                            "даты вступления, в том же уровне ценности), на ту же календарную дату; "
                            "траты измеряются после вступления. Если контрольный клиент вступает позже, "
                            "его траты после вступления делятся на (1 + эффект). 95 % интервал — "
                            "бутстреп по парам."),
    "method.did.title": "Разность разностей (DiD)",
    "method.did.formula": ("эффект = после(участники) / (до(участники) × после(контроль) / до(контроль)) "
                           "− 1"),
    "method.did.text": ("Сравнивает изменение трат участников до и после вступления с изменением трат "
                        "их контрольных пар за те же даты, поэтому устойчивая разница в уровне трат "
                        "сокращается. Основная оценка эффекта программы."),
    "method.incremental.title": "Дополнительная выручка",
    "method.incremental.formula": "доп. выручка = выручка участников × эффект / (1 + эффект)",
    "method.incremental.text": ("Выручка участников после вступления уже включает эффект; выручка без "
                                "программы = выручка участников / (1 + эффект)."),
    "method.roi.title": "Окупаемость инвестиций (ROI)",
    "method.roi.formula": "ROI = (доп. маржа − затраты) / затраты",
    "method.roi.text": ("Доп. маржа = доп. выручка × валовая маржа; затраты = списанные баллы × стоимость "
                        "балла + ежемесячные затраты × число месяцев с запуска."),
    "method.bgnbd.title": "Модель BG/NBD",
    "method.bgnbd.formula": ("покупки ~ Пуассон(λ), λ ~ Гамма(r, α); после каждой покупки клиент уходит "
                             "с вероятностью p, p ~ Бета(a, b)"),
    "method.bgnbd.text": ("Модель «покупает, пока не уйдёт» (buy-till-you-die) для повторных покупок по "
                          "частоте, давности и сроку жизни каждого клиента (Fader, Hardie & Lee, 2005)."),
    "method.pareto_nbd.title": "Модель Pareto/NBD",
    "method.pareto_nbd.formula": ("покупки ~ Пуассон(λ), λ ~ Гамма(r, α); срок жизни ~ "
                                  "Экспоненциальное(μ), μ ~ Гамма(s, β)"),
    "method.pareto_nbd.text": ("Клиент может уйти в любой момент, а не только после покупки. Из BG/NBD и "
                               "Pareto/NBD используется модель с меньшей ошибкой на контрольном периоде."),
    "method.gamma_gamma.title": "Модель трат Gamma-Gamma",
    "method.gamma_gamma.formula": "траты на покупку ~ Гамма(p, ν), ν ~ Гамма(q, v)",
    "method.gamma_gamma.text": ("Ожидаемая сумма покупки каждого повторного покупателя; при малом числе "
                                "покупок оценка сдвигается к среднему по всем клиентам."),
    "method.clv.title": "CLV и дисконтирование",
    "method.clv.formula": ("CLV = валовая маржа × ожидаемая сумма покупки × сумма по месяцам t "
                           "ожидаемых покупок в t / (1 + d)^t, d = (1 + годовая ставка)^(1/12) − 1"),
    "method.clv.text": ("На горизонте прогноза (по умолчанию 12 месяцев), в деньгах валовой маржи. Ошибка "
                        "на контрольном периоде = |прогноз − факт| / факт повторных покупок."),
    # --- качество данных
    "dq.rows": "Прочитано строк: {table}",
    "dq.rejected_rows": "Чеков отложено правилами очистки",
    "dq.completeness": "Клиентов с {field}",
    "dq.field.email": "корректным email",
    "dq.field.phone": "номером телефона",
    "dq.field.name": "именем и фамилией",
    "dq.table.transactions": "чеки",
    "dq.table.customers": "клиенты",
    "dq.table.points": "журнал баллов",
    "dq.table.nps": "ответы NPS",
    "dq.table.surveys": "опросы",
    "dq.table.campaigns": "кампании",
    "dq.not_provided": "не предоставлено",
}

TRANSLATIONS: dict[str, dict[str, str]] = {"en": EN, "ru": RU}


def translate(key: str, language: str = DEFAULT_LANGUAGE, **fields: object) -> str:
    """The text of `key` in `language` (English when the language or the key is missing there; the key
    itself when neither has it), with `fields` filled into its `str.format` placeholders."""
    table = TRANSLATIONS.get(language, EN)
    text = table.get(key, EN.get(key, key))
    return text.format(**fields) if fields else text


def labels(language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """The whole table of one language (English for an unknown one), e.g. for a template."""
    return {**EN, **TRANSLATIONS.get(language, EN)}


# ------------------------------------------------------------------------------ the sections' texts


_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?!\w)")


def _numbered(english: str) -> tuple[str, list[str]]:
    """`english` with each number replaced by a positional field: ("at least {0} days", ["180"])."""
    numbers: list[str] = []

    def field(match: re.Match[str]) -> str:
        numbers.append(match.group())
        return "{" + str(len(numbers) - 1) + "}"

    return _NUMBER.sub(field, english), numbers


def text(english: str, language: str = DEFAULT_LANGUAGE, context: str = "") -> str:
    """`english` in `language`: its `TEXT_RU` translation for "ru" when there is one, else unchanged.
    With a `context` (the name of a table or figure) an entry ``"<context>:<english>"`` comes first: for
    a word that means something else in that one table. A text that modules build with numbers in it
    (a skip reason with a configured number of days) is found under its key with the numbers as
    positional fields: "at least 180 days" -> entry "at least {0} days"."""
    if language != "ru" or not isinstance(english, str):
        return english
    if context and f"{context}:{english}" in TEXT_RU:
        return TEXT_RU[f"{context}:{english}"]
    if english in TEXT_RU:
        return TEXT_RU[english]
    key, numbers = _numbered(english)
    if numbers and key in TEXT_RU:
        return TEXT_RU[key].format(*numbers)
    return english


class _LocaleFormatter(string.Formatter):
    """`str.format` with the locale specs of the module docstring (number, percent, money, date)."""

    def __init__(self, language: str, currency: str) -> None:
        super().__init__()
        self.language, self.currency = language, currency

    def format_field(self, value: Any, format_spec: str) -> str:
        from . import summary  # summary imports this module

        language = self.language
        signed = format_spec.startswith("+")
        spec = format_spec.lstrip("+")
        if spec in ("number", "number0", "number1", "number2"):
            return summary.format_number(value, language, int(spec[6:] or 0), signed=signed)
        if spec in ("percent", "percent0", "percent1", "percent2"):
            return summary.format_percent(value, language, int(spec[7:] or 1), signed=signed)
        if spec in ("money", "money2"):
            return summary.format_money(value, self.currency, language, 2 if spec == "money2" else 0)
        if spec == "date":
            return summary.format_date(value, language)
        if isinstance(value, str) and not format_spec:
            return text(value, language)
        return super().format_field(value, format_spec)


def sentence(template: str, language: str = DEFAULT_LANGUAGE, currency: str = "", /, **fields: Any) -> str:
    """The English `template` translated into `language` (`text`) with its `fields` filled in, numbers,
    money and dates formatted for the language by their format spec (module docstring)."""
    return _LocaleFormatter(language, currency).format(text(template, language), **fields)


def translated_template(template: str) -> bool:
    """Whether `template` has a Russian translation with the same fields (for tests)."""
    if template not in TEXT_RU or not TEXT_RU[template].strip():
        return False
    fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return fields == {name for _, name, _, _ in string.Formatter().parse(TEXT_RU[template]) if name}


TEXT_RU: dict[str, str] = {
    # --- shared: report helpers, groups, canonical tables and their columns
    "**Skipped:** {reason}": "**Пропущено:** {reason}",
    "(first {shown:number} of {rows:number} rows)": "(первые {shown:number} из {rows:number} строк)",
    "sheet": "Лист",
    "caption": "Подпись",
    "all": "Все клиенты",
    "members": "Участники",
    "non_members": "Неучастники",
    "non-members": "Неучастники",
    "group": "Группа",
    "transactions": "Чеки",
    "customers": "Клиенты",
    "points": "Баллы",
    "nps": "NPS",
    "surveys": "Опросы",
    "campaigns": "Кампании",
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
    "identified customers": "идентифицированные клиенты",
    # --- 10 program KPIs: captions, skip reasons
    "Program KPIs at a glance": "Показатели программы кратко",
    "New members per month by origin; members and active members at month end": (
        "Новые участники по месяцам и по происхождению; участники и активные участники на конец месяца"),
    "Members per month": "Участники по месяцам",
    "Member share of checks and revenue per month": "Доля участников в чеках и выручке по месяцам",
    "Member share per month": "Доля участников по месяцам",
    "Average check, checks per buying customer per month, items per check": (
        "Средний чек, чеков на покупателя в месяц, товаров в чеке"),
    "Checks by buyer group since the launch": "Чеки по группам покупателей с запуска программы",
    "Checks by buyer group and month": "Чеки по группам покупателей и месяцам",
    "Points per month, cumulative rates and outstanding liability": (
        "Баллы по месяцам, накопленные доли и обязательства по остатку"),
    "Points per month": "Баллы по месяцам",
    "Effective accrual rate per month": "Фактическая ставка начисления по месяцам",
    "Points value earned per money unit of program checks": (
        "Стоимость начисленных баллов на единицу суммы чеков с программой"),
    "Opt-outs per month and the share of members who opted out": (
        "Отписки по месяцам и доля отписавшихся участников"),
    "Opt-outs per month": "Отписки по месяцам",
    "NPS per month with its 95% interval, and the composition of answers": (
        "NPS по месяцам с 95 % интервалом и структура ответов"),
    "NPS of members and non-members": "NPS участников и неучастников",
    "NPS per month": "NPS по месяцам",
    "CSAT per month (1-5)": "CSAT по месяцам (1–5)",
    "Average satisfaction per month": "Средняя удовлетворённость по месяцам",
    "CSAT of members and non-members": "CSAT участников и неучастников",
    "Program awareness per month": "Осведомлённость о программе по месяцам",
    "Share of respondents who know the program": "Доля опрошенных, знающих о программе",
    "Awareness of members and non-members": "Осведомлённость участников и неучастников",
    "Why members take part, per month": "Почему участники участвуют, по месяцам",
    "Motives for taking part": "Мотивы участия",
    "Share of customers who joined, by spend before the launch": (
        "Доля вступивших клиентов по тратам до запуска"),
    "Participation by spend tier": "Участие по уровню трат",
    "Like-for-like changes": "Изменения в сопоставимых периодах",
    "Revenue per month against the same month a year earlier": (
        "Выручка по месяцам против того же месяца год назад"),
    "No monthly accrual data.": "Нет помесячных данных о начислениях.",
    "The data does not cover a full earlier period to compare with.": (
        "Данные не покрывают полного предыдущего периода для сравнения."),
    "No program membership in the data (customers.joined_program_at or a loyalty_card column): reach and "
    "member comparisons are not computed.": (
        "В данных нет признака участия в программе (customers.joined_program_at или столбца "
        "loyalty_card): охват и сравнения участников не рассчитываются."),
    "No points ledger: the redemption rate comes from points_earned / points_redeemed on the checks; "
    "breakage, outstanding balance and liability need the ledger.": (
        "Нет журнала баллов: доля списания рассчитана по points_earned / points_redeemed в чеках; для "
        "сгорания, остатка и обязательств нужен журнал."),
    "No points ledger and no points columns on the checks.": "Нет ни журнала баллов, ни баллов в чеках.",
    "No points on the checks and no ledger: accrual rate unknown.": (
        "Нет ни баллов в чеках, ни журнала: ставка начисления неизвестна."),
    "No unsubscribe dates (customers.unsubscribed_at).": "Нет дат отписки (customers.unsubscribed_at).",
    "No NPS answers in the period (neither an nps table nor nps survey answers).": (
        "Нет ответов NPS за период (ни таблицы nps, ни ответов nps в опросах)."),
    "No 'csat' answers in the surveys table for the period.": "Нет ответов csat в таблице опросов за период.",
    "No 'awareness' answers in the surveys table for the period.": (
        "Нет ответов awareness в таблице опросов за период."),
    "No 'motive' answers in the surveys table for the period.": (
        "Нет ответов motive в таблице опросов за период."),
    "Participation by spend tier needs membership, a launch date and checks before it.": (
        "Для участия по уровню трат нужны признак участия, дата запуска и чеки до неё."),
    # --- 10 program KPIs: headline table (kpis.HEADLINE_LABELS)
    "Program members": "Участники программы",
    "Reach (members / identified customers)": "Охват (участники / идентифицированные клиенты)",
    "Active members (share)": "Активные участники (доля)",
    "Member share of checks": "Доля участников в чеках",
    "Member share of revenue": "Доля участников в выручке",
    "Average check, members": "Средний чек, участники",
    "Average check, identified non-members": "Средний чек, идентифицированные неучастники",
    "Average check, anonymous": "Средний чек, анонимные",
    "Checks per month, members": "Чеков в месяц, участники",
    "Checks per month, identified non-members": "Чеков в месяц, идентифицированные неучастники",
    "Items per check": "Товаров в чеке",
    "Redemption rate (redeemed / accrued)": "Доля списания (списано / начислено)",
    "Breakage (expired / accrued)": "Сгорание (сгорело / начислено)",
    "Points liability": "Обязательства по баллам",
    "Effective accrual rate": "Фактическая ставка начисления",
    "Members opted out of mailings": "Участники, отписавшиеся от рассылок",
    "CSAT (1-5)": "CSAT (1–5)",
    "CSAT: share of 4-5": "CSAT: доля оценок 4–5",
    "Program awareness": "Осведомлённость о программе",
    "Participation, top vs bottom spend third": "Участие: верхняя треть по тратам против нижней",
    "Revenue YoY (last full month)": "Выручка YoY (последний полный месяц)",
    "Revenue MoM (last full month)": "Выручка MoM (последний полный месяц)",
    "Revenue WoW (last full week)": "Выручка WoW (последняя полная неделя)",
    # --- 10 program KPIs: table columns and values
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
    "items_per_check": "Товаров в чеке",
    "member": "участники",
    "non_member": "неучастники",
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
    # --- 10 program KPIs: charts (kpis.plot_*)
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
    "Cumulative redemption and breakage rates since the period start": (
        "Доли списания и сгорания нарастающим итогом с начала периода"),
    "Outstanding points liability at month end (balance x point value)": (
        "Обязательства по остатку баллов на конец месяца (остаток × стоимость балла)"),
    "money": "деньги",
    "Opt-outs from mailings per month": "Отписки от рассылок по месяцам",
    "Share of members who have opted out": "Доля отписавшихся участников",
    "95% interval": "95 % интервал",
    "Answer composition": "Структура ответов",
    "Why members take part": "Почему участники участвуют",
    "share of answers": "доля ответов",
    "Share of customers who joined, by spend before launch": "Доля вступивших клиентов по тратам до запуска",
    "joined": "вступили",
    "spend tier (thirds)": "уровень трат (трети)",
    "this year": "этот год",
    "a year earlier": "год назад",
    "Revenue per month vs the same month a year earlier": (
        "Выручка по месяцам против того же месяца год назад"),
    # --- 40 CLV: sentences (clv.py)
    "The models are fitted on {customers:number} customers acquired by {date:date} ({repeat:number} of them "
    "bought again in that period); time is in {unit}.": (
        "Модели оценены на {customers:number} клиентах, привлечённых до {date:date} (из них {repeat:number} "
        "покупали повторно в этом периоде); время измеряется в {unit}."),
    "weeks": "неделях",
    "days": "днях",
    "{model} converged only with the L2 penalty (clv.penalizer_coef = {penalty}), which pulls its parameters "
    "towards 0: a sign of thin data.": (
        "{model} сошлась только со штрафом L2 (clv.penalizer_coef = {penalty}), который стягивает её "
        "параметры к 0: признак недостатка данных."),
    "The correlation between repeat purchases and average spend among repeat buyers is "
    "{correlation:number2}: {verdict}.": (
        "Корреляция между числом повторных покупок и средней суммой покупки у повторных покупателей — "
        "{correlation:number2}: {verdict}."),
    "weak enough for the Gamma-Gamma spend model, which assumes independence": (
        "она достаточно слаба для модели трат Gamma-Gamma, которая предполагает независимость"),
    "stronger than the Gamma-Gamma spend model assumes (independence): its expected spend, and so CLV, "
    "should be read with care": (
        "она сильнее, чем допускает модель трат Gamma-Gamma (независимость): её ожидаемые траты, а значит "
        "и CLV, следует читать с осторожностью"),
    "{model} predicted {predicted:number} (error {error:percent})": (
        "{model} предсказала {predicted:number} (ошибка {error:percent})"),
    "In the {weeks:number}-week holdout after {date:date} the calibration customers made {actual:number} "
    "repeat purchases;": (
        "За {weeks:number} нед. контрольного периода после {date:date} клиенты калибровочного периода "
        "совершили {actual:number} повторных покупок;"),
    "{model} is used for CLV.": "Для CLV используется {model}.",
    "Over the next {months:number} months (gross margin {margin:percent0}, {rate:percent0} a year discount) "
    "an identified customer is worth {mean:money2} on average (median {median:money2}); the top 10% of "
    "customers hold {top:percent0} of the total. {alive:percent0} of the customers are likely still active "
    "(P(alive) at least 0.7).": (
        "На ближайшие {months:number} мес. (валовая маржа {margin:percent0}, ставка дисконтирования "
        "{rate:percent0} в год) идентифицированный клиент стоит в среднем {mean:money2} (медиана "
        "{median:money2}); на 10 % самых ценных клиентов приходится {top:percent0} общей ценности. "
        "{alive:percent0} клиентов, вероятно, ещё активны (P(alive) не меньше 0,7)."),
    # --- 40 CLV: notebook
    "Inputs of the CLV models": "Исходные данные моделей CLV",
    "Fitted parameters (calibration period)": "Оценённые параметры (калибровочный период)",
    "Holdout purchases per customer by calibration frequency": (
        "Покупки на клиента в контрольном периоде по частоте в калибровочном"),
    "Holdout repeat purchases: models vs actual": "Повторные покупки в контрольном периоде: модели и факт",
    "Weekly cumulative repeat purchases: actual vs models": (
        "Накопленные повторные покупки по неделям: факт и модели"),
    "CLV per customer and its concentration": "CLV клиента и его концентрация",
    "CLV by probability of being alive": "CLV по вероятности того, что клиент активен",
    "No customers table with join dates: members cannot be told from non-members.": (
        "Нет таблицы клиентов с датами вступления: участников нельзя отличить от неучастников."),
    "Mean CLV: members vs non-members": "Средний CLV: участники и неучастники",
    "Mean CLV per customer by program membership": "Средний CLV клиента по участию в программе",
    "CLV by program membership": "CLV по участию в программе",
    "CLV by RFM segment": "CLV по RFM-сегментам",
    "Customers with the highest CLV": "Клиенты с наибольшим CLV",
    "CLV of every customer": "CLV каждого клиента",
    # --- 40 CLV: tables (clv.py)
    "item": "Показатель",
    "identified customers with a purchase": "идентифицированные клиенты с покупками",
    "purchase days (checks merged per customer and day)": "дни покупок (чеки объединены по клиенту и дню)",
    "anonymous checks (left out)": "анонимные чеки (не учитываются)",
    "return days (net amount below 0; left out)": "дни возвратов (чистая сумма ниже 0; не учитываются)",
    "customers acquired in the calibration period": "клиенты, привлечённые в калибровочном периоде",
    "of them repeat buyers in the calibration period": "из них повторные покупатели в калибровочном периоде",
    "calibration period ends": "конец калибровочного периода",
    "holdout": "контрольный период",
    "{weeks:number1} weeks, to {date}": "{weeks:number1} нед., до {date}",
    "time unit of the models": "единица времени моделей",
    "model used for CLV": "модель для CLV",
    "model": "Модель",
    "parameter": "Параметр",
    "estimate": "Оценка",
    "std_error": "Стандартная ошибка",
    "log_likelihood": "Логарифм правдоподобия",
    "penalizer": "Штраф",
    "alpha": "α",
    "beta": "β",
    "actual": "Факт",
    "predicted": "Прогноз",
    "error_rate": "Ошибка",
    "mae": "Средняя абсолютная ошибка",
    "predicted_bgnbd": "Прогноз BG/NBD",
    "predicted_pareto_nbd": "Прогноз Pareto/NBD",
    "mean_clv": "Средний CLV",
    "median_clv": "Медианный CLV",
    "total_clv": "Суммарный CLV",
    "clv_share": "Доля CLV",
    "clv": "CLV",
    "mean_p_alive": "Средняя P(alive)",
    "p_alive": "P(alive)",
    "expected_purchases": "Ожидаемые покупки",
    "expected_spend": "Ожидаемая сумма покупки",
    "recency": "Давность",
    "rank": "Место",
    "at risk (P(alive) 0.3 to 0.7)": "под угрозой (P(alive) от 0,3 до 0,7)",
    "likely active (P(alive) 0.7 or more)": "вероятно, активны (P(alive) 0,7 и выше)",
    "likely lost (P(alive) below 0.3)": "вероятно, ушли (P(alive) ниже 0,3)",
    "non-member": "неучастник",
    "first_purchase": "Первая покупка",
    "monetary_value": "Средняя сумма покупки",
    "spend": "Траты",
    "T": "Возраст (T)",
    "actual repeat purchases": "фактические повторные покупки",
    "holdout starts": "начало контрольного периода",
    "week": "неделя",
    "repeat purchases per customer": "повторных покупок на клиента",
    "cumulative repeat purchases": "накопленные повторные покупки",
    "purchases in the calibration period": "покупок в калибровочном периоде",
    # CLV skip reasons (clv.py; numbers as positional fields)
    "neither BG/NBD nor Pareto/NBD could be fitted, so there is no CLV": (
        "ни BG/NBD, ни Pareto/NBD оценить не удалось, поэтому CLV нет"),
    "not enough data for BG/NBD: {0} repeat buyer(s) among {1} customer(s) in the calibration period; at "
    "least {2} are needed (clv.min_repeat_buyers)": (
        "недостаточно данных для BG/NBD: {0} повторных покупателей из {1} клиентов в калибровочном периоде; "
        "нужно не меньше {2} (clv.min_repeat_buyers)"),
    "not enough data for Pareto/NBD: {0} repeat buyer(s) among {1} customer(s) in the calibration period; "
    "at least {2} are needed (clv.min_repeat_buyers)": (
        "недостаточно данных для Pareto/NBD: {0} повторных покупателей из {1} клиентов в калибровочном "
        "периоде; нужно не меньше {2} (clv.min_repeat_buyers)"),
    "not enough data for Gamma-Gamma: {0} repeat buyer(s) with a positive spend; at least {1} are needed "
    "(clv.min_repeat_buyers); CLV uses each customer's own mean amount per purchase day instead": (
        "недостаточно данных для Gamma-Gamma: {0} повторных покупателей с положительными тратами; нужно не "
        "меньше {1} (clv.min_repeat_buyers); вместо модели CLV использует собственную среднюю сумму "
        "клиента за день покупки"),
    "no purchases by identified customers in the analysed period": (
        "нет покупок идентифицированных клиентов в анализируемом периоде"),
    # --- 50 uplift and ROI: tables (uplift.py)
    "method": "Метод",
    "Naive: members vs non-members (biased by self-selection)": (
        "Наивный: участники против неучастников (завышен самоотбором)"),
    "Matched on pre-join behaviour": "Сопоставленные пары по поведению до вступления",
    "Difference-in-differences on matched pairs": "Разность разностей на сопоставленных парах",
    "nearest": "ближайший сосед",
    "propensity": "по склонности (propensity score)",
    "feature": "Признак",
    "members_mean": "Среднее у участников",
    "all_controls_mean": "Среднее у всех кандидатов в контроль",
    "smd_before": "SMD до подбора",
    "matched_controls_mean": "Среднее у подобранных контрольных",
    "smd_after": "SMD после подбора",
    "Checks in the pre window": "Чеки в окне до вступления",
    "Average check in the pre window": "Средний чек в окне до вступления",
    "Days since the last check": "Дней с последнего чека",
    "Tenure, days": "Стаж, дней",
    "Checks before the reference day (all history)": "Чеки до опорной даты (вся история)",
    "Spend in the pre window": "Траты в окне до вступления",
    "design": "Дизайн",
    "members_eligible": "Подходящих участников",
    "members_matched": "Участников с парой",
    "members_off_support": "Участников вне общей области",
    "candidate_controls": "Кандидатов в контроль",
    "controls_used": "Использовано контрольных",
    "period": "Период",
    "days_from": "Дней от вступления",
    "controls": "Контрольные",
    "relative_gap": "Относительная разница",
    "pairs": "Пар",
    "treatment": "Тестовая группа",
    "control": "Контрольная группа",
    "revenue_per_customer_treatment": "Выручка на клиента, тест",
    "revenue_per_customer_control": "Выручка на клиента, контроль",
    "uplift": "Прирост",
    "p_value": "p-значение",
    "incremental_revenue": "Дополнительная выручка",
    "mde_relative": "Минимальный обнаружимый эффект",
    "response_treatment": "Отклик, тест",
    "response_control": "Отклик, контроль",
    "response_uplift_points": "Прирост отклика, п.п.",
    "response_p_value": "p-значение отклика",
    "response_mde_points": "Минимальный обнаружимый эффект отклика, п.п.",
    "cost": "Затраты",
    "incremental_margin": "Дополнительная маржа",
    "romi": "ROMI",
    "roi": "ROI",
    "Points redeemed": "Списано баллов",
    "Program cost": "Затраты на программу",
    "Member revenue since joining": "Выручка участников после вступления",
    "Incremental revenue (member effect)": "Дополнительная выручка (эффект участия)",
    "Incremental gross margin": "Дополнительная валовая маржа",
    "gross_margin": "Валовая маржа",
    "effect +{0}%": "эффект +{0} %",
    "benefit_rate": "Ставка выгоды",
    "discount_cost": "Стоимость скидкой",
    "points_cost": "Стоимость баллами",
    "saving": "Экономия",
    "saving_share": "Доля экономии",
    "launch_day": "Дата запуска",
    "treated_regions": "Регионы с запуском",
    "control_regions": "Регионы без запуска",
    "pre_treated": "До, регионы с запуском",
    "post_treated": "После, регионы с запуском",
    "pre_controls": "До, регионы без запуска",
    "post_controls": "После, регионы без запуска",
    # uplift skip reasons (uplift.py; numbers as positional fields)
    "no member joined with {0} days of data before and {1} after joining, checks before joining and a check "
    "in the first {2} days": (
        "ни один участник не вступил так, чтобы было {0} дней данных до и {1} после вступления, чеки до "
        "вступления и чек в первые {2} дней"),
    "fewer than two members matched": "пару нашли меньше двух участников",
    "no customers table with join dates": "нет таблицы клиентов с датами вступления",
    "no region in the transactions or customers table": "нет регионов в таблицах чеков и клиентов",
    "no launch date per region (no members, no uplift.region_launch_dates)": (
        "нет даты запуска по регионам (нет участников и нет uplift.region_launch_dates)"),
    "no staggered launch: no region launched at least {0} days before another one (or never) with a full "
    "window of data around it": (
        "нет поэтапного запуска: ни один регион не запустил программу хотя бы на {0} дней раньше другого "
        "(или без запуска вовсе) с полным окном данных вокруг даты запуска"),
    # --- 40 CLV: charts (clv.plot_*; numbers as positional fields)
    "repeat purchases in the calibration period": "повторные покупки в калибровочном периоде",
    "purchases per customer in the holdout": "покупок на клиента в контрольном периоде",
    "Holdout: predicted vs actual purchases by calibration frequency": (
        "Контрольный период: прогноз и факт покупок по частоте в калибровочном периоде"),
    " calibration end": " конец калибровки",
    "Tracking: cumulative repeat purchases of the calibration customers": (
        "Отслеживание: накопленные повторные покупки клиентов калибровочного периода"),
    "CLV (values above the 99th percentile in the last bar)": (
        "CLV (значения выше 99-го перцентиля — в последнем столбце)"),
    "CLV per customer": "CLV клиента",
    "share of customers (highest CLV first)": "доля клиентов (по убыванию CLV)",
    "share of total CLV": "доля общего CLV",
    "Concentration of value": "Концентрация ценности",
    "mean CLV per customer": "средний CLV клиента",
    "member\n{0}% of total CLV": "участники\n{0} % общего CLV",
    "non-member\n{0}% of total CLV": "неучастники\n{0} % общего CLV",
    # --- 50 uplift and ROI: charts
    "matched controls": "подобранные контрольные",
    "days from joining (start of period)": "дней от вступления (начало периода)",
    "spend per customer": "траты на клиента",
    # --- 50 uplift and ROI: notebook
    "no customers table with join dates: members cannot be told apart": (
        "нет таблицы клиентов с датами вступления: участников нельзя отличить"),
    "Members spend **{uplift:+percent}** more than non-members (ARPU {members:money} vs "
    "{non_members:money}); this is biased upwards by self-selection.": (
        "Участники тратят на **{uplift:+percent}** больше неучастников (ARPU {members:money} против "
        "{non_members:money}); эта оценка завышена из-за самоотбора."),
    "Member effect on spend per customer (relative, 95% CI)": (
        "Эффект участия на траты клиента (относительный, 95 % ДИ)"),
    "{design}: {reason}": "{design}: {reason}",
    "matched": "сопоставленные пары",
    "did": "разность разностей",
    "Members are matched only to non-members with the same {features} ({matching} matching).": (
        "Участники сопоставляются только с неучастниками с тем же значением признаков: {features} "
        "(подбор: {matching})."),
    "exact matching: {note}": "точное совпадение: {note}",
    "Balance of pre-join features (matched design)": "Баланс признаков до вступления (сопоставленные пары)",
    "Common support": "Общая область",
    "Spend per customer around joining": "Траты на клиента вокруг вступления",
    "Members vs matched controls around joining": "Участники и их контрольные пары вокруг вступления",
    "no campaigns table": "нет таблицы кампаний",
    "Campaigns: treatment vs control": "Кампании: тестовая и контрольная группы",
    "no campaign costs (uplift.campaign_costs / uplift.cost_per_contact): ROMI not computed": (
        "нет затрат на кампании (uplift.campaign_costs / uplift.cost_per_contact): ROMI не рассчитан"),
    "Program economics": "Экономика программы",
    "ROI by gross margin (rows) and member effect (columns)": (
        "ROI по валовой марже (строки) и эффекту участия (столбцы)"),
    "program cost or member revenue unknown: ROI not computed": (
        "затраты на программу или выручка участников неизвестны: ROI не рассчитан"),
    "regional comparison: {reason}": "сравнение регионов: {reason}",
    "Launched vs not-yet-launched regions": "Регионы с запуском и без запуска",
    "Launched regions' revenue: **{estimate:+percent}** against the counterfactual (95% CI {low:+percent} to "
    "{high:+percent}).": (
        "Выручка регионов с запуском: **{estimate:+percent}** к сценарию без программы (95 % ДИ: от "
        "{low:+percent} до {high:+percent})."),
    "no points ledger with redemptions or expiry: discount vs points not computed": (
        "нет журнала баллов со списаниями или сгоранием: сравнение скидки и баллов не рассчитано"),
    "Cost of the same benefit: discount vs points": "Стоимость одной и той же выгоды: скидка и баллы",
    "{breakage:percent0} of settled points burned and points wait {lag:number} days on average: a benefit "
    "given as points costs {ratio:percent0} of the same benefit given as a discount.": (
        "Сгорело {breakage:percent0} погашенных баллов, а до списания баллы ждут в среднем {lag:number} "
        "дн.: выгода в виде баллов стоит {ratio:percent0} той же выгоды в виде скидки."),
    # --- 00 data quality
    "Tables provided": "Предоставленные таблицы",
    "table": "Таблица",
    "rows_read": "Прочитано строк",
    "rows_analysed": "Строк в анализе",
    "columns": "Столбцов",
    "first_date": "Первая дата",
    "last_date": "Последняя дата",
    "status": "Статус",
    "not provided": "не предоставлена",
    "ok": "есть",
    "The analysis covers **{start:date} – {end:date}**: {checks:number} checks of {customers:number} "
    "identified customers.": ("Анализ охватывает период **{start:date} – {end:date}**: {checks:number} чеков "
                              "{customers:number} идентифицированных клиентов."),
    "Checks touched by each rule": "Чеки, затронутые каждым правилом",
    "rule": "Правило",
    "count": "Количество",
    "unit": "Единица",
    "action": "Действие",
    "share_of_checks": "Доля чеков",
    "exact duplicate checks": "точные дубликаты чеков",
    "dated in the future": "датированы будущим",
    "outside the analysed period": "вне анализируемого периода",
    "returns (negative amount)": "возвраты (отрицательная сумма)",
    "returns without a matching purchase": "возвраты без соответствующей покупки",
    "customers with negative net spend": "клиенты с отрицательными чистыми тратами",
    "zero amount": "нулевая сумма",
    "repeated transaction id, rows differ": "повторный номер чека, строки различаются",
    "anonymous (no customer id)": "анонимные (без ID клиента)",
    "customers in checks, missing from the customer table": (
        "клиенты из чеков, которых нет в таблице клиентов"),
    "checks of those customers": "чеки этих клиентов",
    "customers without checks in the period": "клиенты без чеков в периоде",
    "joined the program after their last check": "вступили в программу после последнего чека",
    "redemptions above the points balance": "списания сверх остатка баллов",
    "customers redeeming above their balance": "клиенты, списывающие сверх остатка",
    "dates in another format than their column": "даты в формате, отличном от формата столбца",
    "dates with a UTC offset": "даты со смещением от UTC",
    "ledger rows": "строки журнала",
    "values": "значения",
    "removed": "удалены",
    "left out": "не учитываются",
    "kept, netted in sums": "оставлены, вычитаются из сумм",
    "kept": "оставлены",
    "kept (lines of one check or a corrected re-send)": "оставлены (строки одного чека или исправленная "
                                                        "повторная отправка)",
    "kept, not attributed to a customer": "оставлены, не относятся к клиенту",
    "kept, analysed as non-members": "оставлены, анализируются как неучастники",
    "kept, non-member checks": "оставлены, чеки неучастников",
    "kept, no member checks": "оставлены, чеков участника нет",
    "kept (balance before the export unknown)": "оставлены (остаток до начала выгрузки неизвестен)",
    "parsed": "распознаны",
    "converted to data.read.timezone": "приведены к data.read.timezone",
    "{rejected:number} of {read:number} checks were set aside; {anonymous:percent} of the analysed checks "
    "are anonymous (no loyalty identification).": ("Отложено {rejected:number} из {read:number} чеков; "
                                               "{anonymous:percent} анализируемых чеков анонимны (без "
                                               "идентификации в программе)."),
    "Checks per month": "Чеки по месяцам",
    "Months that look incomplete: **{months}**.": "Месяцы, которые выглядят неполными: **{months}**.",
    "No month falls below half of the typical monthly volume: the export looks continuous.": (
        "Ни один месяц не опускается ниже половины обычного месячного объёма: выгрузка выглядит "
        "непрерывной."),
    "Profile completeness": "Наполненность профилей",
    "field": "Поле",
    "share_of_customers": "Доля клиентов",
    "valid email": "корректный email",
    "phone number": "номер телефона",
    "first and last name": "имя и фамилия",
    "Empty cells per column": "Пустые ячейки по столбцам",
    "column": "Столбец",
    "missing": "Пусто",
    # --- 20 RFM
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
    "there are no identified customers with a purchase: RFM needs customer ids on the checks.": (
        "нет идентифицированных клиентов с покупками: для RFM нужны ID клиентов в чеках."),
    "RFM segments on {date:date}": "RFM-сегменты на {date:date}",
    "{customers:number} customers are segmented on {date:date}. **Champions** are {champions:percent0} of "
    "them and bring {champions_revenue:percent0} of their revenue; the largest revenue share comes from "
    "**{top}** ({top_revenue:percent0}). *At risk* and *Can't lose* customers, who used to buy often but not "
    "lately, are {lapsing:percent0} of customers and {lapsing_revenue:percent0} of revenue: the first "
    "audience for a win-back campaign.": (
        "На {date:date} по сегментам распределено {customers:number} клиентов. **Чемпионы** составляют "
        "{champions:percent0} из них и приносят {champions_revenue:percent0} их выручки; наибольшая доля "
        "выручки приходится на сегмент **«{top}»** ({top_revenue:percent0}). Клиенты сегментов *«Под "
        "угрозой»* и *«Нельзя потерять»*, которые раньше покупали часто, но давно не покупали, — это "
        "{lapsing:percent0} клиентов и {lapsing_revenue:percent0} выручки: первая аудитория для кампании "
        "по возврату."),
    "F score (frequency)": "Оценка F (частота)",
    "R score (recency)": "Оценка R (давность)",
    "Customers by recency and frequency score": "Клиенты по оценкам давности и частоты",
    "Customers by R score (rows) and F score": "Клиенты по оценке R (строки) и оценке F",
    "no customers table with join dates (or no segmented customers): the member / non-member mix needs "
    "both.": ("нет таблицы клиентов с датами вступления (или нет клиентов в сегментах): для сравнения "
              "состава участников и неучастников нужно и то, и другое."),
    "Segment mix of members and non-members": "Состав сегментов у участников и неучастников",
    "members_share": "Доля участников",
    "non_members_share": "Доля неучастников",
    "share of the group": "доля группы",
    "Segment mix: members vs non-members": "Состав сегментов: участники и неучастники",
    "Champions and Loyal customers make up {members:percent0} of members against {non_members:percent0} of "
    "non-members.": ("«Чемпионы» и «Лояльные» составляют {members:percent0} участников против "
                     "{non_members:percent0} неучастников."),
    "nobody had bought by {date:date}: there is no earlier snapshot to compare with.": (
        "до {date:date} покупок не было: сравнивать не с чем."),
    "segment on {date:date}": "сегмент на {date:date}",
    "Where the customers of each earlier segment are now": "Где сейчас клиенты каждого прежнего сегмента",
    "Customers moving between segments (counts)": "Переходы клиентов между сегментами (число клиентов)",
    "segment_before": "Сегмент тогда",
    "segment_now": "Сегмент сейчас",
    "direction": "Направление",
    "Customers who moved up, stayed, moved down": "Клиенты, перешедшие вверх, оставшиеся, перешедшие вниз",
    "up": "Вверх",
    "same": "Без изменений",
    "down": "Вниз",
    "new": "Новые",
    "Of the {customers:number} customers present on both dates, {up:percent0} moved to a better segment and "
    "{down:percent0} to a worse one.": ("Из {customers:number} клиентов, присутствующих на обе даты, "
                                        "{up:percent0} перешли в лучший сегмент и {down:percent0} — в "
                                        "худший."),
    "Members: {members_up:percent0} up, {members_down:percent0} down; non-members: {others_up:percent0} up, "
    "{others_down:percent0} down (a description, not the program's effect).": (
        "Участники: {members_up:percent0} вверх, {members_down:percent0} вниз; неучастники: "
        "{others_up:percent0} вверх, {others_down:percent0} вниз (это описание, а не эффект программы)."),
    "Customer id and segment (ids only)": "ID клиента и сегмент (только идентификаторы)",
    # --- 30 cohorts and retention
    "no customers table with join dates: members and non-members cannot be told apart, so the section "
    "shows all identified customers together.": (
        "нет таблицы клиентов с датами вступления: участников нельзя отличить от неучастников, поэтому "
        "раздел показывает всех идентифицированных клиентов вместе."),
    "no {group} with a purchase: no cohort matrix.": "группа «{group}»: нет клиентов с покупками, матрицы "
                                                     "когорт нет.",
    "months since the first purchase": "месяцев с первой покупки",
    "cohort": "Когорта",
    "Customer retention by cohort: {group}": "Удержание клиентов по когортам: {group}",
    "Share of each cohort buying n months later: {group}": ("Доля когорты, купившая через n месяцев: "
                                                             "{group}"),
    "{group}: {customers:number} customers in {cohorts:number} cohorts": (
        "{group}: {customers:number} клиентов в {cohorts:number} когортах"),
    "; {share:percent0} of them bought again in the month after their first purchase.": (
        "; {share:percent0} из них снова купили в месяце после первой покупки."),
    "Revenue retention by cohort: {group}": "Удержание выручки по когортам: {group}",
    "Cohort revenue n months later / first-month revenue: {group}": (
        "Выручка когорты через n месяцев / выручка первого месяца: {group}"),
    "the period is too short for monthly retention: it needs {days:number} days of history before the "
    "first month, and identified purchases.": (
        "период слишком короток для помесячного удержания: нужны {days:number} дней истории до первого "
        "месяца и покупки идентифицированных клиентов."),
    "CRR, churn and reactivation per month": "CRR, отток и реактивация по месяцам",
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
    "Monthly churn rate": "Отток по месяцам",
    "reactivation rate per month": "реактивация за месяц",
    "Monthly reactivation rate": "Реактивация по месяцам",
    "Monthly CRR, churn and reactivation, last 12 months": (
        "Месячные CRR, отток и реактивация, последние 12 месяцев"),
    "Over the last {months:number} months, on average {churn:percent} of the active customers churned each "
    "month.": ("За последние {months:number} мес. в среднем {churn:percent} активных клиентов уходили "
               "каждый месяц."),
    "Members: {members:percent} a month, non-members: {non_members:percent}.": (
        "Участники: {members:percent} в месяц, неучастники: {non_members:percent}."),
    "no headline window: the data do not cover a full month after {days:number} days of history.": (
        "нет окна для главных показателей: данные не покрывают полного месяца после {days:number} дней "
        "истории."),
    "From {start:date} to {end:date} ({months:number} months): of the {active:number} customers active at "
    "the start, {churned:number} churned and {new:number} were (re)acquired, so E = {end_customers:number} "
    "and **CRR = {crr:percent}** (churn {churn:percent}); {reactivation:percent} of the customers churned "
    "at the start came back.": (
        "С {start:date} по {end:date} ({months:number} мес.): из {active:number} клиентов, активных на "
        "начало, {churned:number} ушли, а {new:number} были привлечены или вернулись, поэтому E = "
        "{end_customers:number} и **CRR = {crr:percent}** (отток {churn:percent}); вернулись "
        "{reactivation:percent} клиентов, ушедших к началу окна."),
    "Members churned at {members:percent}, non-members at {non_members:percent} over the window.": (
        "Отток участников за окно составил {members:percent}, неучастников — {non_members:percent}."),
    "no customers table with join dates: before/after joining needs it.": (
        "нет таблицы клиентов с датами вступления: она нужна для сравнения до и после вступления."),
    "Spend and purchases per member, {days:number} days before vs after joining": (
        "Траты и покупки на участника за {days:number} дней до и после вступления"),
    "metric": "Показатель",
    "purchases per customer": "покупки на клиента",
    "no member has {days:number} days of data on both sides of the join day and a purchase before the "
    "window.": ("ни у одного участника нет {days:number} дней данных по обе стороны от дня вступления и "
                "покупки до окна."),
    "That is few customers: treat the change as indicative.": (
        "Клиентов немного: считайте изменение ориентировочным."),
    "The comparison rests on **{members:number} members**. In the {days:number} days after joining they "
    "spent {spend:+percent0} and bought {visits:+percent0} as often as in the {days:number} days before "
    "(spend change per member {change:money}, 95% interval {low:money} to {high:money}).": (
        "Сравнение основано на **{members:number} участниках**. За {days:number} дней после вступления их "
        "траты изменились на {spend:+percent0}, а число покупок — на {visits:+percent0} по сравнению с "
        "{days:number} днями до него (изменение трат на участника {change:money}, 95 % интервал: от "
        "{low:money} до {high:money})."),
    "This raw comparison removes neither seasonality (the two windows cover different months) nor the "
    "customers who would have stopped buying anyway; the uplift section compares members with similar "
    "non-members over the same dates.": (
        "Такое простое сравнение не устраняет ни сезонность (окна приходятся на разные месяцы), ни "
        "клиентов, которые перестали бы покупать в любом случае; раздел об эффекте программы сравнивает "
        "участников с похожими неучастниками за те же даты."),
}
