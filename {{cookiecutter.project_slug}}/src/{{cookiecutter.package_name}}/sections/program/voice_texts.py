"""The texts of the voice-of-the-customer steps (`voice_steps`) in English and Russian, registered in
the ``program`` namespace beside `texts`, with the Russian labels of their tables and charts."""

from __future__ import annotations

from ...text.catalogue import register

VOICE = {
    "en": {
        "caption.nps_segments": ("NPS by segment at the answer, with its 95% interval (small: fewer than "
                                 "{min_answers} answers)"),
        "caption.nps_segments_chart": "NPS by segment with its 95% interval (grey: few answers)",
        "caption.csat_segments": ("CSAT by segment at the answer, with its 95% interval (small: fewer than "
                                  "{min_answers} answers)"),
        "caption.nps_outcomes": ("Churn (no purchase) and spend in the {days} days after the answer, by NPS "
                                 "group: raw and matched on spend before the answer, with 95% intervals"),
        "caption.nps_outcomes_chart": ("Churn and spend in the {days} days after the answer (bars: matched "
                                       "on spend before, with 95% intervals; circles: raw)"),
        "caption.nps_reasons": ("Most frequent reasons by NPS group (only reasons given by at least "
                                "{min_count} respondents; the others are counted together)"),
        "caption.nps_reasons_quoted": "Most frequent reasons by NPS group (reasons quoted as given)",
        "caption.nps_reasons_chart": "Reasons of detractors and promoters, share of their answers",
        "caption.motive_segments": "Motives for taking part by segment",
        "caption.motive_churn": ("Churn of value- and brand-motivated members in the {days} days after the "
                                 "benefit changed on {change:date}, with 95% intervals"),
        "caption.engagement": "Awareness, members and engagement (active share) per month",
        "caption.engagement_chart": "Awareness and active members' share per month; members at month end",
        "skip.voice_unlinked": "No NPS or survey answer is linked to a customer of the checks: no segment.",
        "skip.voice_no_ids": "The checks have no customer ids: no RFM segment or recency at the answer.",
        "skip.voice_no_membership": "Membership is unknown: no split by membership or time in the program.",
        "skip.voice_no_tier": "The customers table has no tier: no split by tier.",
        "skip.voice_no_region": "The customers table has no region: no split by region.",
        "skip.voice_no_csat": "No CSAT answers linked to customers: CSAT by segment is not computed.",
        "skip.voice_no_window": ("No linked NPS answer has its {days} days after it within the period: "
                                 "churn after the answer is not computed."),
        "skip.voice_few": ("A group has fewer than {min_answers} answers: its churn and spend after the "
                           "answer are indicative only."),
        "skip.voice_no_gap": ("No promoter or no detractor with the window after the answer observed: no "
                              "churn gap and no revenue at risk."),
        "skip.no_reasons": "The NPS answers carry no reason (no reason column): reasons are not counted.",
        "skip.reasons_few": ("Too few respondents gave the same reason (at least {min_count} are needed) to "
                             "show the detractors' and promoters' top reasons."),
        "skip.no_benefit_change": ("No day of a benefit change is configured (program.benefit_change_date): "
                                   "whether value-motivated members churn more than brand-motivated ones "
                                   "after a change cannot be measured."),
        "skip.benefit_change_recent": ("The benefit changed on {change:date}: the {days} days after it are "
                                       "not all in the data yet, so churn after the change is not measured."),
        "skip.motive_churn_none": ("No value- or no brand-motivated member answered before the benefit "
                                   "change: their churn cannot be compared."),
        "skip.no_engagement": "Neither awareness answers nor membership: no engagement over time.",
        "say.nps_segments": ("Among segments with at least {min_answers} answers, NPS is highest for "
                             "{best} ({best_score:+number}) and lowest for {worst} ({worst_score:+number})."),
        "say.nps_segments_small": ("Fewer than two RFM segments have {min_answers} answers or more: the "
                                   "segment scores are indicative only."),
        "say.nps_outcomes": ("In the {days} days after answering, {detractors:percent0} of detractors bought "
                             "nothing against {promoters:percent0} of promoters who had spent as much "
                             "before: detractors churn {gap:+number1} points more (95% CI {low:+number1} "
                             "to {high:+number1})."),
        "say.nps_outcomes_unclear": ("In the {days} days after answering, {detractors:percent0} of "
                                     "detractors and {promoters:percent0} of comparable promoters bought "
                                     "nothing: a gap of {gap:+number1} points (95% CI {low:+number1} to "
                                     "{high:+number1}), not distinguishable from none."),
        "say.revenue_at_risk": ("Revenue at risk from detractors: {risk:money} a year (95% CI {low:money} to "
                                "{high:money}), their excess churn times their yearly spend of "
                                "{spend:money}."),
        "say.nps_reasons": ("Detractors most often name “{detractors}” ({detractors_share:percent0} of "
                            "their reasons), promoters “{promoters}” ({promoters_share:percent0})."),
        "say.motive_churn": ("After the benefit changed on {change:date}, value-motivated members churned "
                             "{difference:+number1} points more than brand-motivated ones within {days} "
                             "days (95% CI {low:+number1} to {high:+number1})."),
        "say.engagement": ("Awareness moved from {aware_first:percent0} to {aware_last:percent0} over the "
                           "period, the active share of members from {active_first:percent0} to "
                           "{active_last:percent0}."),
        "kpi.nps.churn_after.detractors": "Churn after answering: detractors",
        "kpi.nps.churn_after.promoters": "Churn after answering: promoters",
        "kpi.nps.revenue_at_risk": "Revenue at risk from detractors (a year)",
    },
    "ru": {
        "caption.nps_segments": ("NPS по сегментам на момент ответа с 95 % интервалом (мало: меньше "
                                 "{min_answers} ответов)"),
        "caption.nps_segments_chart": "NPS по сегментам с 95 % интервалом (серым — мало ответов)",
        "caption.csat_segments": ("CSAT по сегментам на момент ответа с 95 % интервалом (мало: меньше "
                                  "{min_answers} ответов)"),
        "caption.nps_outcomes": ("Отток (нет покупок) и траты за {days} дней после ответа по группам NPS: "
                                 "как есть и с выравниванием по тратам до ответа, с 95 % интервалами"),
        "caption.nps_outcomes_chart": ("Отток и траты за {days} дней после ответа (столбцы — с выравниванием "
                                       "по тратам до ответа, с 95 % интервалами; кружки — как есть)"),
        "caption.nps_reasons": ("Самые частые причины по группам NPS (только причины, названные не менее "
                                "чем {min_count} респондентами; остальные посчитаны вместе)"),
        "caption.nps_reasons_quoted": "Самые частые причины по группам NPS (причины приведены как есть)",
        "caption.nps_reasons_chart": "Причины критиков и промоутеров, доля их ответов",
        "caption.motive_segments": "Мотивы участия по сегментам",
        "caption.motive_churn": ("Отток участников, мотивированных выгодой и брендом, за {days} дней после "
                                 "изменения выгоды {change:date}, с 95 % интервалами"),
        "caption.engagement": "Осведомлённость, участники и вовлечённость (доля активных) по месяцам",
        "caption.engagement_chart": ("Осведомлённость и доля активных участников по месяцам; участники на "
                                     "конец месяца"),
        "skip.voice_unlinked": "Ни один ответ NPS или опроса не связан с клиентом из чеков: сегментов нет.",
        "skip.voice_no_ids": "В чеках нет ID клиентов: нет RFM-сегмента и давности покупки на момент ответа.",
        "skip.voice_no_membership": "Участие в программе неизвестно: нет разбивки по участию и стажу.",
        "skip.voice_no_tier": "В таблице клиентов нет уровня: нет разбивки по уровню.",
        "skip.voice_no_region": "В таблице клиентов нет региона: нет разбивки по региону.",
        "skip.voice_no_csat": "Нет ответов CSAT, связанных с клиентами: CSAT по сегментам не считается.",
        "skip.voice_no_window": ("Ни у одного связанного ответа NPS {days} дней после него не вошли в "
                                 "период: отток после ответа не считается."),
        "skip.voice_few": ("В одной из групп меньше {min_answers} ответов: отток и траты после ответа — "
                           "лишь ориентир."),
        "skip.voice_no_gap": ("Нет промоутеров или критиков с наблюдаемым окном после ответа: нет разницы в "
                              "оттоке и выручки под риском."),
        "skip.no_reasons": "У ответов NPS нет причин (нет столбца reason): причины не считаются.",
        "skip.reasons_few": ("Слишком мало респондентов назвали одну и ту же причину (нужно не менее "
                             "{min_count}), чтобы показать главные причины критиков и промоутеров."),
        "skip.no_benefit_change": ("Не задан день изменения выгоды программы (program.benefit_change_date): "
                                   "нельзя проверить, уходят ли после изменения мотивированные выгодой "
                                   "участники чаще мотивированных брендом."),
        "skip.benefit_change_recent": ("Выгода изменилась {change:date}: {days} дней после этого ещё не "
                                       "вошли в данные, отток после изменения не измеряется."),
        "skip.motive_churn_none": ("До изменения выгоды не ответили участники с мотивом «выгода» или "
                                   "«бренд»: их отток нельзя сравнить."),
        "skip.no_engagement": ("Нет ни ответов об осведомлённости, ни данных об участии: динамики "
                               "вовлечённости нет."),
        "say.nps_segments": ("Среди сегментов, где не меньше {min_answers} ответов, NPS выше всего у "
                             "сегмента «{best}» ({best_score:+number}) и ниже всего у «{worst}» "
                             "({worst_score:+number})."),
        "say.nps_segments_small": ("Меньше двух RFM-сегментов набрали {min_answers} ответов: оценки по "
                                   "сегментам — лишь ориентир."),
        "say.nps_outcomes": ("За {days} дней после ответа ничего не купили {detractors:percent0} критиков "
                             "против {promoters:percent0} промоутеров с такими же тратами до ответа: "
                             "критики уходят на {gap:+number1} п. п. чаще (95 % ДИ: от {low:+number1} до "
                             "{high:+number1})."),
        "say.nps_outcomes_unclear": ("За {days} дней после ответа ничего не купили {detractors:percent0} "
                                     "критиков и {promoters:percent0} сопоставимых промоутеров: разница "
                                     "{gap:+number1} п. п. (95 % ДИ: от {low:+number1} до {high:+number1}) "
                                     "неотличима от нуля."),
        "say.revenue_at_risk": ("Выручка под риском из-за критиков: {risk:money} в год (95 % ДИ: от "
                                "{low:money} до {high:money}) — их избыточный отток, умноженный на их "
                                "годовые траты {spend:money}."),
        "say.nps_reasons": ("Критики чаще всего называют «{detractors}» ({detractors_share:percent0} их "
                            "причин), промоутеры — «{promoters}» ({promoters_share:percent0})."),
        "say.motive_churn": ("После изменения выгоды {change:date} участники, мотивированные выгодой, ушли "
                             "за {days} дней на {difference:+number1} п. п. чаще мотивированных брендом "
                             "(95 % ДИ: от {low:+number1} до {high:+number1})."),
        "say.engagement": ("Осведомлённость за период изменилась с {aware_first:percent0} до "
                           "{aware_last:percent0}, доля активных участников — с {active_first:percent0} до "
                           "{active_last:percent0}."),
        "kpi.nps.churn_after.detractors": "Отток после ответа: критики",
        "kpi.nps.churn_after.promoters": "Отток после ответа: промоутеры",
        "kpi.nps.revenue_at_risk": "Выручка под риском из-за критиков (в год)",
    },
}

LABELS = {
    "ru": {
        "dimension": "Разрез",
        "small": "Мало ответов",
        "rfm_segment": "RFM-сегмент",
        "membership": "Участие",
        "tenure": "Стаж в программе",
        "recency": "Давность покупки",
        "under 3 months": "до 3 месяцев",
        "3-12 months": "3–12 месяцев",
        "over 12 months": "больше 12 месяцев",
        "0-30 days": "0–30 дней",
        "31-90 days": "31–90 дней",
        "91-180 days": "91–180 дней",
        "over 180 days": "больше 180 дней",
        "no purchase before": "покупок до ответа не было",
        "unknown": "неизвестно",
        "Not yet a customer": "Ещё не клиент",
        "answers": "Ответов",
        "churn_raw": "Отток, как есть",
        "churn": "Отток, выровненный",
        "churn_low": "Отток: 95 % ДИ от",
        "churn_high": "Отток: 95 % ДИ до",
        "spend_raw": "Траты после, как есть",
        "spend": "Траты после, выровненные",
        "spend_low": "Траты: 95 % ДИ от",
        "spend_high": "Траты: 95 % ДИ до",
        "reason": "Причина",
        "other reasons": "прочие причины",
        "program_motive_segments:value": "Ради выгоды",
        "program_motive_churn:value": "ради выгоды",
        "program_motive_churn:brand": "ради бренда",
        "RFM segment": "RFM-сегмент",
        "time in the program": "стаж в программе",
        "last purchase before the answer": "последняя покупка до ответа",
        "Churn after the answer": "Отток после ответа",
        "Spend after the answer": "Траты после ответа",
        "matched": "выровнено",
        "raw": "как есть",
        "share of answers": "доля ответов",
        "Awareness and engagement per month": "Осведомлённость и вовлечённость по месяцам",
        "active members' share": "доля активных участников",
        "Program reach: members at month end": "Охват программы: участники на конец месяца",
    },
}

register("program", VOICE, labels=LABELS)
