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
"""

from __future__ import annotations

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
    "method.matched.text": ("Each member is paired with the most similar non-member (checks, average "
                            "check, recency, tenure and history before the join day, within the same "
                            "value tier) at the same calendar date; spend is measured after joining. "
                            "95% interval: bootstrap over the pairs."),
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
    "method.matched.text": ("Каждому участнику подбирается самый похожий неучастник (число чеков, средний "
                            "чек, давность покупки, стаж и история до даты вступления, в том же уровне "
                            "ценности) на ту же календарную дату; траты измеряются после вступления. "
                            "95 % интервал — бутстреп по парам."),
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
