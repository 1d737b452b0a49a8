"""Texts of the uplift section (50): the report frame's tiles, findings and methodology entries, and the
section's captions, sentences and skip reasons, as named templates in English and Russian; the Russian
labels of its tables and chart (column names, label values, chart words).

Names: ``uplift.tile.*`` / ``uplift.finding.*`` / ``uplift.method_name.*`` (report frame),
``uplift.caption.*``, ``uplift.say.*``, ``uplift.skip.*`` (what a step shows), ``uplift.reason.*`` (why an
estimate is missing, kept in the results), ``tile.program_effect`` / ``tile.roi`` (tile labels) and
``method.*`` (methodology appendix, group ``uplift``). ``uplift.nothing`` is the empty text, for an
optional part of a sentence; ``uplift.list`` joins words ("tier, region").
"""

from __future__ import annotations

from ...text.catalogue import register

FRAME_EN = {
    'title': 'Uplift and ROI',
    'tile.program_effect_note': '{method}; 95% CI {low:+percent} to {high:+percent}',
    'tile.roi_note': 'incremental revenue {revenue:money}; cost {cost:money}',
    'method_name.did': 'difference-in-differences',
    'method_name.matched': 'matched comparison',
    'finding.effect': ('The naive member vs non-member gap ({naive:+percent}) overstates the program, '
                       'because heavier buyers join more often: the matched estimate is '
                       '{matched:+percent} (95% CI {matched_low:+percent} to '
                       '{matched_high:+percent}){did}.{unsure}'),
    'finding.did': (' and the difference-in-differences estimate {did:+percent} (95% CI {did_low:+percent} '
                    'to {did_high:+percent})'),
    'finding.effect_only': ("The program's effect on member spend is {estimate:+percent} (95% CI "
                            '{low:+percent} to {high:+percent}, {method}).{unsure}'),
    'finding.unsure': ' The interval includes zero: the effect is not statistically confirmed.',
    'finding.roi': ('Program ROI is {roi:+percent}: incremental revenue of {revenue:money} gives '
                    '{margin:money} of gross margin against a cost of {cost:money}.'),
    'finding.roi_short': 'Program ROI is {roi:+percent} against a cost of {cost:money}.',
    'nothing': '',
}

FRAME_RU = {
    'title': 'Эффект программы и ROI',
    'tile.program_effect_note': '{method}; 95 % ДИ: от {low:+percent} до {high:+percent}',
    'tile.roi_note': 'доп. выручка {revenue:money}; затраты {cost:money}',
    'method_name.did': 'разность разностей',
    'method_name.matched': 'сопоставление пар',
    'finding.effect': ('Простое сравнение участников с неучастниками ({naive:+percent}) завышает эффект '
                       'программы, потому что в неё чаще вступают те, кто и так покупает больше: оценка '
                       'на сопоставленных парах — {matched:+percent} (95 % ДИ: от {matched_low:+percent} '
                       'до {matched_high:+percent}){did}.{unsure}'),
    'finding.did': (', оценка методом разности разностей — {did:+percent} (95 % ДИ: от {did_low:+percent} '
                    'до {did_high:+percent})'),
    'finding.effect_only': ('Эффект программы на траты участников — {estimate:+percent} (95 % ДИ: от '
                            '{low:+percent} до {high:+percent}, {method}).{unsure}'),
    'finding.unsure': ' Интервал включает ноль: эффект статистически не подтверждён.',
    'finding.roi': ('ROI программы — {roi:+percent}: дополнительная выручка {revenue:money} даёт '
                    '{margin:money} валовой маржи при затратах {cost:money}.'),
    'finding.roi_short': 'ROI программы — {roi:+percent} при затратах {cost:money}.',
    'nothing': '',
}

TILE_EN = {
    'program_effect': 'Program effect on member spend',
    'roi': 'Program ROI',
}
TILE_RU = {
    'program_effect': 'Эффект программы на траты участников',
    'roi': 'ROI программы',
}

METHOD_EN = {
    'group.uplift': 'Program effect and ROI',
    'naive_uplift.title': 'Naive uplift (shown for contrast only)',
    'naive_uplift.formula': 'naive uplift = (ARPU members − ARPU non-members) / ARPU non-members',
    'naive_uplift.text': ('Biased upwards by self-selection: customers who already buy more join the '
                          'program more often, so the gap would exist without the program. It is not an '
                          'effect of the program.'),
    'matched.title': 'Matched comparison',
    'matched.formula': 'effect = mean post spend of members / mean post spend of matched controls − 1',
    'matched.text': ('Each member is paired with the most similar customer who had not joined yet '
                     '(checks, average check, recency, tenure and history before the join day, within the '
                     'same value tier) at the same calendar date; spend is measured after joining. A '
                     'control who joins later counts its spend after joining divided by (1 + effect). 95% '
                     'interval: bootstrap over the pairs.'),
    'did.title': 'Difference-in-differences (DiD)',
    'did.formula': 'effect = post(members) / (pre(members) × post(controls) / pre(controls)) − 1',
    'did.text': ("Compares the change of members' spend from before to after joining with the change of "
                 "their matched controls' spend over the same dates, so stable differences in spending "
                 'level cancel out. The headline effect of the program.'),
    'incremental.title': 'Incremental revenue',
    'incremental.formula': 'incremental revenue = member revenue × effect / (1 + effect)',
    'incremental.text': ('Member revenue since joining already contains the effect; the counterfactual '
                         'revenue is member revenue / (1 + effect).'),
    'roi.title': 'Return on investment (ROI)',
    'roi.formula': 'ROI = (incremental margin − cost) / cost',
    'roi.text': ('Incremental margin = incremental revenue × gross margin; cost = points redeemed × point '
                 'value + monthly operating cost × months since launch.'),
}

METHOD_RU = {
    'group.uplift': 'Эффект программы и ROI',
    'naive_uplift.title': 'Наивный прирост (только для сравнения)',
    'naive_uplift.formula': 'наивный прирост = (ARPU участников − ARPU неучастников) / ARPU неучастников',
    'naive_uplift.text': ('Завышен из-за самоотбора: в программу чаще вступают те, кто и так покупает '
                          'больше, поэтому разница была бы и без программы. Это не эффект программы.'),
    'matched.title': 'Сравнение сопоставленных пар',
    'matched.formula': ('эффект = средние траты участников после вступления / средние траты подобранных '
                        'контрольных клиентов − 1'),
    'matched.text': ('Каждому участнику подбирается самый похожий клиент, ещё не вступивший в программу '
                     '(число чеков, средний чек, давность покупки, стаж и история до даты вступления, в '
                     'том же уровне ценности), на ту же календарную дату; траты измеряются после '
                     'вступления. Если контрольный клиент вступает позже, его траты после вступления '
                     'делятся на (1 + эффект). 95 % интервал — бутстреп по парам.'),
    'did.title': 'Разность разностей (DiD)',
    'did.formula': 'эффект = после(участники) / (до(участники) × после(контроль) / до(контроль)) − 1',
    'did.text': ('Сравнивает изменение трат участников до и после вступления с изменением трат их '
                 'контрольных пар за те же даты, поэтому устойчивая разница в уровне трат сокращается. '
                 'Основная оценка эффекта программы.'),
    'incremental.title': 'Дополнительная выручка',
    'incremental.formula': 'доп. выручка = выручка участников × эффект / (1 + эффект)',
    'incremental.text': ('Выручка участников после вступления уже включает эффект; выручка без программы '
                         '= выручка участников / (1 + эффект).'),
    'roi.title': 'Окупаемость инвестиций (ROI)',
    'roi.formula': 'ROI = (доп. маржа − затраты) / затраты',
    'roi.text': ('Доп. маржа = доп. выручка × валовая маржа; затраты = списанные баллы × стоимость балла '
                 '+ ежемесячные затраты × число месяцев с запуска.'),
}

EN = {
    'caption.effects': 'Member effect on spend per customer (relative, 95% CI)',
    'caption.balance': 'Balance of pre-join features (matched design)',
    'caption.support': 'Common support',
    'caption.event_study': 'Spend per customer around joining',
    'caption.event_study_chart': 'Members vs matched controls around joining',
    'caption.campaigns': 'Campaigns: treatment vs control',
    'caption.economics': 'Program economics',
    'caption.sensitivity': 'ROI by gross margin (rows) and member effect (columns)',
    'caption.regions': 'Launched vs not-yet-launched regions',
    'caption.discount_vs_points': 'Cost of the same benefit: discount vs points',
    'say.naive': ('Members spend **{uplift:+percent}** more than non-members (ARPU {members:money} vs '
                  '{non_members:money}); this is biased upwards by self-selection.'),
    'say.exact_match': ('Members are matched only to non-members with the same {features} ({matching} '
                        'matching).'),
    'say.regions': ("Launched regions' revenue: **{estimate:+percent}** against the counterfactual (95% "
                    'CI {low:+percent} to {high:+percent}).'),
    'say.discount_vs_points': ('{breakage:percent0} of settled points burned and points wait {lag:number} '
                               'days on average: a benefit given as points costs {ratio:percent0} of the '
                               'same benefit given as a discount.'),
    'list': '{first}, {rest}',
    'skip.design': '{design}: {reason}',
    'skip.exact_match': 'exact matching: {note}',
    'say.members_subset': ('{design}: {eligible:number} members are eligible; a random {kept:number} of '
                           'them are matched (uplift.max_members): the estimate stays unbiased, its '
                           'interval is wider.'),
    'say.targeting_sampled': ('campaign {campaign}: modelled on a random {evaluated:number} of its '
                              '{customers:number} customers (uplift.targeting_max_customers).'),
    'skip.regions': 'regional comparison: {reason}',
    'skip.no_campaigns': 'no campaigns table',
    'skip.no_campaign_costs': ('no campaign costs (uplift.campaign_costs / uplift.cost_per_contact): ROMI '
                               'not computed'),
    'skip.no_roi': 'program cost or member revenue unknown: ROI not computed',
    'skip.no_points_ledger': 'no points ledger with redemptions or expiry: discount vs points not computed',
    'skip.no_naive': ('members or non-members made no purchase since the launch: the naive uplift is not '
                      'computed'),
    'skip.membership_unknown': ('membership is unknown: the customers table has no join dates '
                                '(joined_program_at) and the checks carry no loyalty_card flag: members '
                                'cannot be told apart'),
    'reason.no_join_dates': 'no customers table with join dates',
    'reason.no_eligible_members': ('no member joined with {before:number} days of data before and '
                                   '{after:number} after joining, checks before joining and a check in '
                                   'the first {confirm:number} days'),
    'reason.too_few_pairs': 'fewer than two members matched',
    'reason.exact_missing': '{column}: not in the customers table',
    'reason.exact_partial': ('{column}: known for {members:percent0} of members and '
                             '{non_members:percent0} of non-members, not matched on'),
    'reason.no_region': 'no region in the transactions or customers table',
    'reason.no_launch_dates': 'no launch date per region (no members, no uplift.region_launch_dates)',
    'reason.no_staggered_launch': ('no staggered launch: no region launched at least {days:number} days '
                                   'before another one (or never) with a full window of data around it'),
    'skip.no_identified': ('no check carries a customer id (an export without customers): member and '
                           'campaign parts need identified customers'),
    'skip.empty_campaigns': 'the campaigns table has no rows',
    'skip.campaign_groups': ('campaign {campaign}: {treatment:number} customer(s) in the treatment group and '
                             '{control:number} in the control group; a test needs at least 2 in each, so '
                             'its uplift is not computed'),
    'skip.campaign_no_revenue': ('campaign {campaign}: the control group bought nothing in the {days:number} '
                                 'days after sending, so the uplift (a ratio to its revenue) is not '
                                 'computed'),
    'reason.no_members': 'no customer is a program member',
    'caption.targeting_rankings': ('Campaign targeting: Qini area of each ranking (incremental revenue '
                                   'above random targeting, 95% CI; every customer scored by models that '
                                   'did not see them)'),
    'caption.targeting_gains': ('Incremental revenue per targeted customer at 10, 20 and 30% targeted: '
                                'uplift models, the response model (likeliest buyers) and random targeting'),
    'caption.targeting_chart': 'Qini curves of campaign {campaign}',
    'caption.targeting_expected': ('Next campaign (model of {campaign}): expected incremental revenue by '
                                   'share of the {customers:number} customers targeted'),
    'caption.targeting_list': ('Next campaign: customers by expected incremental revenue (model of '
                               '{campaign}; the whole list is in exports/uplift_targets.csv)'),
    'say.targeting_captures': ('Campaign {campaign}: targeting the top 30% captures **{captured:percent0}** '
                               'of the incremental revenue at 30% of the cost ({model}; Qini area '
                               '{area:money}, 95% CI {low:money} to {high:money}).'),
    'say.targeting_top_only': ('Campaign {campaign}: the model finds the customers the campaign moves '
                               '({model}; Qini area {area:money}, 95% CI {low:money} to {high:money}) '
                               'although sending to everyone earned no incremental revenue: the top 30% '
                               'gave {uplift:money} per customer.'),
    'say.targeting_not_recommended': ('Campaign {campaign}: the Qini curve cannot be told from random '
                                      'targeting (Qini area {area:money}, 95% CI {low:money} to '
                                      '{high:money}): targeting cannot be recommended from this test.'),
    'skip.targeting_small': ('campaign {campaign}: {treatment:number} customer(s) in the treatment group and '
                             '{control:number} in the control group; uplift models need at least '
                             '{minimum:number} in each (uplift.targeting_min_customers)'),
    'skip.targeting_no_campaigns': 'no campaign test to learn targeting from',
    'skip.targeting_no_list': ("no campaign's targeting is recommended: no target list for the next "
                               'campaign'),
    'reason.no_counterfactual': ('the matched controls bought almost only after joining the program '
                                 'themselves, so their spend gives no counterfactual (the effect equation '
                                 'has no positive solution)'),
}

RU = {
    'caption.effects': 'Эффект участия на траты клиента (относительный, 95 % ДИ)',
    'caption.balance': 'Баланс признаков до вступления (сопоставленные пары)',
    'caption.support': 'Общая область',
    'caption.event_study': 'Траты на клиента вокруг вступления',
    'caption.event_study_chart': 'Участники и их контрольные пары вокруг вступления',
    'caption.campaigns': 'Кампании: тестовая и контрольная группы',
    'caption.economics': 'Экономика программы',
    'caption.sensitivity': 'ROI по валовой марже (строки) и эффекту участия (столбцы)',
    'caption.regions': 'Регионы с запуском и без запуска',
    'caption.discount_vs_points': 'Стоимость одной и той же выгоды: скидка и баллы',
    'say.naive': ('Участники тратят на **{uplift:+percent}** больше неучастников (ARPU {members:money} '
                  'против {non_members:money}); эта оценка завышена из-за самоотбора.'),
    'say.exact_match': ('Участники сопоставляются только с неучастниками с тем же значением признаков: '
                        '{features} (подбор: {matching}).'),
    'say.regions': ('Выручка регионов с запуском: **{estimate:+percent}** к сценарию без программы (95 % '
                    'ДИ: от {low:+percent} до {high:+percent}).'),
    'say.discount_vs_points': ('Сгорело {breakage:percent0} погашенных баллов, а до списания баллы ждут в '
                               'среднем {lag:number} дн.: выгода в виде баллов стоит {ratio:percent0} той '
                               'же выгоды в виде скидки.'),
    'list': '{first}, {rest}',
    'skip.design': '{design}: {reason}',
    'skip.exact_match': 'точное совпадение: {note}',
    'say.members_subset': ('{design}: подходят {eligible:number} участников; сопоставляются случайные '
                           '{kept:number} из них (uplift.max_members): оценка остаётся несмещённой, '
                           'интервал шире.'),
    'say.targeting_sampled': ('кампания {campaign}: модели обучены на случайных {evaluated:number} из её '
                              '{customers:number} клиентов (uplift.targeting_max_customers).'),
    'skip.regions': 'сравнение регионов: {reason}',
    'skip.no_campaigns': 'нет таблицы кампаний',
    'skip.no_campaign_costs': ('нет затрат на кампании (uplift.campaign_costs / uplift.cost_per_contact): '
                               'ROMI не рассчитан'),
    'skip.no_roi': 'затраты на программу или выручка участников неизвестны: ROI не рассчитан',
    'skip.no_points_ledger': ('нет журнала баллов со списаниями или сгоранием: сравнение скидки и баллов '
                              'не рассчитано'),
    'skip.no_naive': ('участники или неучастники не покупали с момента запуска: наивный прирост не '
                      'рассчитан'),
    'skip.membership_unknown': ('членство неизвестно: в таблице клиентов нет дат вступления '
                                '(joined_program_at), а в чеках нет признака loyalty_card: участников '
                                'нельзя отличить'),
    'reason.no_join_dates': 'нет таблицы клиентов с датами вступления',
    'reason.no_eligible_members': ('ни один участник не вступил так, чтобы было {before:number} дней '
                                   'данных до и {after:number} после вступления, чеки до вступления и чек '
                                   'в первые {confirm:number} дней'),
    'reason.too_few_pairs': 'пару нашли меньше двух участников',
    'reason.exact_missing': '{column}: нет в таблице клиентов',
    'reason.exact_partial': ('{column}: известен для {members:percent0} участников и '
                             '{non_members:percent0} неучастников, точное совпадение не используется'),
    'reason.no_region': 'нет регионов в таблицах чеков и клиентов',
    'reason.no_launch_dates': ('нет даты запуска по регионам (нет участников и нет '
                               'uplift.region_launch_dates)'),
    'reason.no_staggered_launch': ('нет поэтапного запуска: ни один регион не запустил программу хотя бы '
                                   'на {days:number} дней раньше другого (или без запуска вовсе) с полным '
                                   'окном данных вокруг даты запуска'),
    'skip.no_identified': ('ни в одном чеке нет идентификатора клиента (выгрузка без клиентов): части об '
                           'участниках и кампаниях требуют идентифицированных клиентов'),
    'skip.empty_campaigns': 'в таблице кампаний нет строк',
    'skip.campaign_groups': ('кампания {campaign}: в тестовой группе {treatment:number} клиент(ов), в '
                             'контрольной — {control:number}; для теста нужно хотя бы 2 в каждой, поэтому '
                             'прирост не рассчитан'),
    'skip.campaign_no_revenue': ('кампания {campaign}: контрольная группа ничего не купила за '
                                 '{days:number} дней после рассылки, поэтому прирост (отношение к её '
                                 'выручке) не рассчитан'),
    'reason.no_members': 'ни один клиент не участвует в программе',
    'caption.targeting_rankings': ('Таргетинг кампаний: площадь Qini каждого ранжирования (доп. выручка '
                                   'сверх случайного выбора, 95 % ДИ; каждого клиента оценивают модели, '
                                   'которые его не видели)'),
    'caption.targeting_gains': ('Доп. выручка на выбранного клиента при выборе 10, 20 и 30 %: модели '
                                'прироста, модель отклика (самые вероятные покупатели) и случайный выбор'),
    'caption.targeting_chart': 'Кривые Qini кампании {campaign}',
    'caption.targeting_expected': ('Следующая кампания (модель {campaign}): ожидаемая доп. выручка по доле '
                                   'выбранных из {customers:number} клиентов'),
    'caption.targeting_list': ('Следующая кампания: клиенты по ожидаемой доп. выручке (модель {campaign}; '
                               'весь список — в файле exports/uplift_targets.csv)'),
    'say.targeting_captures': ('Кампания {campaign}: рассылка лучшим 30 % клиентов даёт '
                               '**{captured:percent0}** дополнительной выручки при 30 % затрат ({model}; '
                               'площадь Qini {area:money}, 95 % ДИ: от {low:money} до {high:money}).'),
    'say.targeting_top_only': ('Кампания {campaign}: модель находит клиентов, на которых кампания '
                               'действует ({model}; площадь Qini {area:money}, 95 % ДИ: от {low:money} до '
                               '{high:money}), хотя рассылка всем дополнительной выручки не дала: лучшие '
                               '30 % дали {uplift:money} на клиента.'),
    'say.targeting_not_recommended': ('Кампания {campaign}: кривую Qini нельзя отличить от случайного '
                                      'выбора (площадь Qini {area:money}, 95 % ДИ: от {low:money} до '
                                      '{high:money}): по этому тесту таргетинг рекомендовать нельзя.'),
    'skip.targeting_small': ('кампания {campaign}: в тестовой группе {treatment:number} клиент(ов), в '
                             'контрольной — {control:number}; моделям прироста нужно хотя бы '
                             '{minimum:number} в каждой (uplift.targeting_min_customers)'),
    'skip.targeting_no_campaigns': 'нет теста кампаний, по которому можно обучить таргетинг',
    'skip.targeting_no_list': ('ни для одной кампании таргетинг не рекомендован: списка для следующей '
                               'кампании нет'),
    'reason.no_counterfactual': ('сопоставленные контрольные клиенты покупали почти только после '
                                 'собственного вступления в программу, поэтому их траты не дают сценария '
                                 'без программы (у уравнения эффекта нет положительного решения)'),
}

LABELS_RU = {
    'tier': 'Уровень',
    'region': 'Регион',
    'method': 'Метод',
    'Naive: members vs non-members (biased by self-selection)': ('Наивный: участники против неучастников '
                                                                 '(завышен самоотбором)'),
    'Matched on pre-join behaviour': 'Сопоставленные пары по поведению до вступления',
    'Difference-in-differences on matched pairs': 'Разность разностей на сопоставленных парах',
    'nearest': 'ближайший сосед',
    'propensity': 'по склонности (propensity score)',
    'feature': 'Признак',
    'members_mean': 'Среднее у участников',
    'all_controls_mean': 'Среднее у всех кандидатов в контроль',
    'smd_before': 'SMD до подбора',
    'matched_controls_mean': 'Среднее у подобранных контрольных',
    'smd_after': 'SMD после подбора',
    'Checks in the pre window': 'Чеки в окне до вступления',
    'Average check in the pre window': 'Средний чек в окне до вступления',
    'Days since the last check': 'Дней с последнего чека',
    'Tenure, days': 'Стаж, дней',
    'Checks before the reference day (all history)': 'Чеки до опорной даты (вся история)',
    'Spend in the pre window': 'Траты в окне до вступления',
    'design': 'Дизайн',
    'members_eligible': 'Подходящих участников',
    'members_matched': 'Участников с парой',
    'members_off_support': 'Участников вне общей области',
    'candidate_controls': 'Кандидатов в контроль',
    'controls_used': 'Использовано контрольных',
    'period': 'Период',
    'days_from': 'Дней от вступления',
    'controls': 'Контрольные',
    'relative_gap': 'Относительная разница',
    'pairs': 'Пар',
    'treatment': 'Тестовая группа',
    'control': 'Контрольная группа',
    'revenue_per_customer_treatment': 'Выручка на клиента, тест',
    'revenue_per_customer_control': 'Выручка на клиента, контроль',
    'uplift': 'Прирост',
    'p_value': 'p-значение',
    'incremental_revenue': 'Дополнительная выручка',
    'mde_relative': 'Минимальный обнаружимый эффект',
    'response_treatment': 'Отклик, тест',
    'response_control': 'Отклик, контроль',
    'response_uplift_points': 'Прирост отклика, п.п.',
    'response_p_value': 'p-значение отклика',
    'response_mde_points': 'Минимальный обнаружимый эффект отклика, п.п.',
    'cost': 'Затраты',
    'incremental_margin': 'Дополнительная маржа',
    'romi': 'ROMI',
    'roi': 'ROI',
    'Points redeemed': 'Списано баллов',
    'Program cost': 'Затраты на программу',
    'Member revenue since joining': 'Выручка участников после вступления',
    'Incremental revenue (member effect)': 'Дополнительная выручка (эффект участия)',
    'Incremental gross margin': 'Дополнительная валовая маржа',
    'gross_margin': 'Валовая маржа',
    'benefit_rate': 'Ставка выгоды',
    'discount_cost': 'Стоимость скидкой',
    'points_cost': 'Стоимость баллами',
    'saving': 'Экономия',
    'saving_share': 'Доля экономии',
    'launch_day': 'Дата запуска',
    'treated_regions': 'Регионы с запуском',
    'control_regions': 'Регионы без запуска',
    'pre_treated': 'До, регионы с запуском',
    'post_treated': 'После, регионы с запуском',
    'pre_controls': 'До, регионы без запуска',
    'post_controls': 'После, регионы без запуска',
    'matched controls': 'подобранные контрольные',
    'days from joining (start of period)': 'дней от вступления (начало периода)',
    'spend per customer': 'траты на клиента',
    'members': 'Участники',
    'non_members': 'Неучастники',
    'customers': 'Клиенты',
    'ci_low': '95 % ДИ: от',
    'ci_high': '95 % ДИ: до',
    'campaign_id': 'Кампания',
    'sent_at': 'Дата отправки',
    'value': 'Значение',
    'estimate': 'Оценка',
    'item': 'Показатель',
    'matched': 'сопоставленные пары',
    'did': 'разность разностей',
    'launch_date': 'Дата запуска',
    'effect +2%': 'эффект +2 %',
    'effect +5%': 'эффект +5 %',
    'effect +10%': 'эффект +10 %',
    'effect +15%': 'эффект +15 %',
    'effect +20%': 'эффект +20 %',
    'ranking': 'Ранжирование',
    't_learner': 'T-learner (две модели)',
    'x_learner': 'X-learner (перекрёстный)',
    'response_model': 'модель отклика',
    'random': 'случайный выбор',
    'qini_area': 'Площадь Qini',
    'qini_ci_low': '95 % ДИ: от',
    'qini_ci_high': '95 % ДИ: до',
    'chosen': 'Выбрана',
    'targeted_share': 'Доля выбранных',
    'uplift_per_customer': 'Доп. выручка на клиента',
    'captured_share': 'Доля доп. выручки',
    'share of customers targeted': 'доля выбранных клиентов',
    'incremental revenue': 'доп. выручка',
}

register("tile", {"en": TILE_EN, "ru": TILE_RU})
register("method", {"en": METHOD_EN, "ru": METHOD_RU})
register("uplift", {"en": {**FRAME_EN, **EN}, "ru": {**FRAME_RU, **RU}}, labels={"ru": LABELS_RU})
