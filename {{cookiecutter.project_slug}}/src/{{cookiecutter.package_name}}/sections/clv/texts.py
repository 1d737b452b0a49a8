"""Every text of the CLV section, in English and Russian: named templates and labels.

Templates ``clv.*``: sentences, captions and skip reasons (fit failures included: `models.ClvError`
names one); the report-frame texts ``tile.mean_clv*``, ``finding.clv*`` and ``method.*`` of the CLV
group (`frame`). Labels: the column names, label values and chart words of the section's tables and
figures (`plots`).
"""

from __future__ import annotations

from ...text.catalogue import register

FRAME_EN = {
    "tile.mean_clv": "Mean CLV per customer",
    "tile.mean_clv.note": "{months} months, gross margin, discounted; {model}",
    "finding.clv": ("CLV model: {model} with Gamma-Gamma gives a mean {months}-month CLV of {clv:money} per "
                    "customer (gross margin, discounted); on the holdout period it predicted "
                    "{predicted:number} repeat purchases against {actual:number} actual (error "
                    "{error:percent})."),
    "finding.clv_short": "Mean {months}-month CLV is {clv:money} per customer (gross margin, discounted).",
    "method.bgnbd.title": "BG/NBD model",
    "method.bgnbd.formula": ("purchases ~ Poisson(λ), λ ~ Gamma(r, α); after each purchase the customer "
                             "drops out with probability p, p ~ Beta(a, b)"),
    "method.bgnbd.text": ("Buy-till-you-die model of repeat purchases from frequency, recency and age of "
                          "each customer (Fader, Hardie & Lee, 2005)."),
    "method.pareto_nbd.title": "Pareto/NBD model",
    "method.pareto_nbd.formula": ("purchases ~ Poisson(λ), λ ~ Gamma(r, α); lifetime ~ Exponential(μ), "
                                  "μ ~ Gamma(s, β)"),
    "method.pareto_nbd.text": ("The customer may drop out at any time, not only after a purchase. Of "
                               "BG/NBD and Pareto/NBD the model with the lower error on the holdout period "
                               "is used."),
    "method.gamma_gamma.title": "Gamma-Gamma spend model",
    "method.gamma_gamma.formula": "spend per purchase ~ Gamma(p, ν), ν ~ Gamma(q, v)",
    "method.gamma_gamma.text": ("Expected spend per purchase of each repeat buyer, shrunk towards the mean "
                                "of all customers when the customer has few purchases."),
    "method.clv.title": "CLV and discounting",
    "method.clv.formula": ("CLV = gross margin × expected spend × sum over months t of expected purchases "
                           "in t / (1 + d)^t, d = (1 + annual rate)^(1/12) − 1"),
    "method.clv.text": ("Over the horizon (12 months by default), in gross-margin money. The holdout error "
                        "= |predicted − actual| / actual repeat purchases in the holdout period."),
}

FRAME_RU = {
    "tile.mean_clv": "Средний CLV клиента",
    "tile.mean_clv.note": "{months} мес., валовая маржа, с дисконтированием; {model}",
    "finding.clv": ("Модель CLV: {model} с Gamma-Gamma даёт средний CLV за {months} мес. {clv:money} на "
                    "клиента (валовая маржа, с дисконтированием); на контрольном периоде прогноз "
                    "повторных покупок — {predicted:number}, факт — {actual:number} (ошибка "
                    "{error:percent})."),
    "finding.clv_short": ("Средний CLV за {months} мес. — {clv:money} на клиента (валовая маржа, "
                          "с дисконтированием)."),
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
}

EN = {
    "title": "Customer lifetime value",
    # --- captions
    "caption.inputs": "Inputs of the CLV models",
    "caption.fits": "Fitted parameters (calibration period)",
    "caption.holdout_chart": "Holdout purchases per customer by calibration frequency",
    "caption.holdout": "Holdout repeat purchases: models vs actual",
    "caption.holdout_by_frequency": "Holdout purchases per customer by calibration frequency",
    "caption.tracking": "Weekly cumulative repeat purchases: actual vs models",
    "caption.distribution": "CLV per customer and its concentration",
    "caption.by_p_alive": "CLV by probability of being alive",
    "caption.members_chart": "Mean CLV per customer by program membership",
    "caption.members": "CLV by program membership",
    "caption.segments": "CLV by RFM segment",
    "caption.top": "Customers with the highest CLV",
    "caption.customers": "CLV of every customer",
    # --- sentences
    "periods": ("Calibration period: purchases up to {calibration_end:date}; holdout: {weeks:number1} weeks, "
                "to {observation_end:date}."),
    "fitted_on": ("The models are fitted on {customers:number} customers acquired by {date:date} "
                  "({repeat:number} of them bought again in that period); time is in {unit}."),
    "unit.W": "weeks",
    "unit.D": "days",
    "penalised": ("{model} converged only with the L2 penalty (clv.penalizer_coef = {penalty}), which pulls "
                  "its parameters towards 0: a sign of thin data."),
    "correlation": ("The correlation between repeat purchases and average spend among repeat buyers is "
                    "{correlation:number2}: {verdict}."),
    "correlation_weak": "weak enough for the Gamma-Gamma spend model, which assumes independence",
    "correlation_strong": ("stronger than the Gamma-Gamma spend model assumes (independence): its expected "
                           "spend, and so CLV, should be read with care"),
    "holdout": ("In the {weeks:number}-week holdout after {date:date} the calibration customers made "
                "{actual:number} repeat purchases; {predictions}. {model} is used for CLV."),
    "prediction": "{model} predicted {predicted:number} (error {error:percent})",
    "two_predictions": "{first}; {second}",
    "selected_by_likelihood": ("{model} is used for CLV: without a holdout the model with the higher "
                               "log-likelihood is chosen."),
    "value": ("Over the next {months:number} months (gross margin {margin:percent0}, {rate:percent0} a year "
              "discount) an identified customer is worth {mean:money2} on average (median {median:money2}); "
              "the top 10% of customers hold {top:percent0} of the total. {alive:percent0} of the customers "
              "are likely still active (P(alive) at least 0.7)."),
    # --- skip reasons and fit failures
    "fit_failure": "{model}: {reason}",
    "no_purchases": "no purchases by identified customers in the analysed period",
    "bad_time_unit": "clv.time_unit must be D or W, got {unit}",
    "calibration_before_first_purchase": ("clv.calibration_end {calibration_end:date} is before the first "
                                          "purchase ({first:date})"),
    "no_holdout": ("clv.calibration_end {calibration_end:date} leaves no holdout before the period end "
                   "{observation_end:date}: the models are fitted on the whole period and chosen by "
                   "log-likelihood instead of holdout error"),
    "no_models": "neither BG/NBD nor Pareto/NBD could be fitted, so there is no CLV",
    "no_tracking": "no customer was acquired in the calibration period: nothing to track",
    "not_enough_repeat_buyers": ("not enough data for {model}: {repeat:number} repeat buyer(s) among "
                                 "{customers:number} customer(s) in the calibration period; at least "
                                 "{needed:number} are needed (clv.min_repeat_buyers)"),
    "all_repeat_buyers": ("{model} cannot be fitted: every customer is a repeat buyer, so the data say "
                          "nothing about customers who buy once"),
    "failed_with_penalty": "{plain} (also with clv.penalizer_coef = {penalty}: {penalised})",
    "bgnbd_no_convergence": "BG/NBD did not converge",
    "bgnbd_singular": ("BG/NBD: the fit's information matrix is singular (the data cannot identify all "
                       "four parameters)"),
    "bgnbd_invalid": "BG/NBD did not converge to valid parameters: {params}",
    "pareto_nbd_budget": ("Pareto/NBD did not converge: the search drifted to parameters where the "
                          "likelihood is too costly to evaluate ({terms:number} series terms)"),
    "pareto_nbd_not_evaluated": "Pareto/NBD did not converge (the likelihood could not be evaluated)",
    "pareto_nbd_ran_off": "Pareto/NBD did not converge: {names} ran off to 0 or infinity",
    "gamma_gamma_not_enough": ("not enough data for Gamma-Gamma: {repeat:number} repeat buyer(s) with a "
                               "positive spend; at least {needed:number} are needed (clv.min_repeat_buyers)"),
    "gamma_gamma_no_convergence": "Gamma-Gamma did not converge",
    "gamma_gamma_singular": "Gamma-Gamma: the fit's information matrix is singular",
    "gamma_gamma_heavy_tail": ("Gamma-Gamma: the spend per purchase is too heavy-tailed for the model "
                               "(q = {q:number2} <= 1 has no finite mean)"),
    "spend_fallback": "{reason}; CLV uses each customer's own mean amount per purchase day instead",
    "with_advice": "{reason}; {advice}",
    "advice_one": "{hint} may help",
    "advice_two": "{first} or {second} may help",
    "hint.weekly": "weekly time units (clv.time_unit: W)",
    "hint.penalty": "an L2 penalty (clv.penalizer_coef above 0)",
    "hint.larger_penalty": "a clv.penalizer_coef larger than {penalty}",
    "no_dropout": ("{model}: no detectable dropout. The likelihood is highest on the boundary "
                   "{parameter} → 0, where nobody drops out, so the model is the NBD with "
                   "r = {r:number2} and α = {alpha:number2} (time in {unit}); {other} is not identified "
                   "there. Every customer counts as active (P(alive) = 1) and keeps buying at their own "
                   "rate."),
    "no_members": ("no customer with a purchase is a program member on {day:date}: there is no CLV of "
                   "members to compare"),
    "no_non_members": ("every customer with a purchase is a program member on {day:date}: there are no "
                       "non-members to compare with"),
}

RU = {
    "title": "Пожизненная ценность клиента (CLV)",
    # --- подписи
    "caption.inputs": "Исходные данные моделей CLV",
    "caption.fits": "Оценённые параметры (калибровочный период)",
    "caption.holdout_chart": "Покупки на клиента в контрольном периоде по частоте в калибровочном",
    "caption.holdout": "Повторные покупки в контрольном периоде: модели и факт",
    "caption.holdout_by_frequency": "Покупки на клиента в контрольном периоде по частоте в калибровочном",
    "caption.tracking": "Накопленные повторные покупки по неделям: факт и модели",
    "caption.distribution": "CLV клиента и его концентрация",
    "caption.by_p_alive": "CLV по вероятности того, что клиент активен",
    "caption.members_chart": "Средний CLV клиента по участию в программе",
    "caption.members": "CLV по участию в программе",
    "caption.segments": "CLV по RFM-сегментам",
    "caption.top": "Клиенты с наибольшим CLV",
    "caption.customers": "CLV каждого клиента",
    # --- предложения
    "periods": ("Калибровочный период: покупки до {calibration_end:date}; контрольный период: "
                "{weeks:number1} нед., до {observation_end:date}."),
    "fitted_on": ("Модели оценены на {customers:number} клиентах, привлечённых до {date:date} (из них "
                  "{repeat:number} покупали повторно в этом периоде); время измеряется в {unit}."),
    "unit.W": "неделях",
    "unit.D": "днях",
    "penalised": ("{model} сошлась только со штрафом L2 (clv.penalizer_coef = {penalty}), который стягивает "
                  "её параметры к 0: признак недостатка данных."),
    "correlation": ("Корреляция между числом повторных покупок и средней суммой покупки у повторных "
                    "покупателей — {correlation:number2}: {verdict}."),
    "correlation_weak": ("она достаточно слаба для модели трат Gamma-Gamma, которая предполагает "
                         "независимость"),
    "correlation_strong": ("она сильнее, чем допускает модель трат Gamma-Gamma (независимость): её ожидаемые "
                           "траты, а значит и CLV, следует читать с осторожностью"),
    "holdout": ("За {weeks:number} нед. контрольного периода после {date:date} клиенты калибровочного "
                "периода совершили {actual:number} повторных покупок; {predictions}. Для CLV используется "
                "{model}."),
    "prediction": "{model} предсказала {predicted:number} (ошибка {error:percent})",
    "two_predictions": "{first}; {second}",
    "selected_by_likelihood": ("Для CLV используется {model}: без контрольного периода выбирается модель с "
                               "большим правдоподобием."),
    "value": ("На ближайшие {months:number} мес. (валовая маржа {margin:percent0}, ставка дисконтирования "
              "{rate:percent0} в год) идентифицированный клиент стоит в среднем {mean:money2} (медиана "
              "{median:money2}); на 10 % самых ценных клиентов приходится {top:percent0} общей ценности. "
              "{alive:percent0} клиентов, вероятно, ещё активны (P(alive) не меньше 0,7)."),
    # --- причины пропуска и ошибки оценки
    "fit_failure": "{model}: {reason}",
    "no_purchases": "нет покупок идентифицированных клиентов в анализируемом периоде",
    "bad_time_unit": "clv.time_unit должен быть D или W, а не {unit}",
    "calibration_before_first_purchase": ("clv.calibration_end {calibration_end:date} раньше первой покупки "
                                          "({first:date})"),
    "no_holdout": ("clv.calibration_end {calibration_end:date} не оставляет контрольного периода до конца "
                   "периода {observation_end:date}: модели оценены на всём периоде и выбраны по "
                   "правдоподобию, а не по ошибке на контрольном периоде"),
    "no_models": "ни BG/NBD, ни Pareto/NBD оценить не удалось, поэтому CLV нет",
    "no_tracking": "в калибровочном периоде не привлечён ни один клиент: отслеживать нечего",
    "not_enough_repeat_buyers": ("недостаточно данных для {model}: {repeat:number} повторных покупателей из "
                                 "{customers:number} клиентов в калибровочном периоде; нужно не меньше "
                                 "{needed:number} (clv.min_repeat_buyers)"),
    "all_repeat_buyers": ("{model} нельзя оценить: все клиенты покупали повторно, поэтому данные ничего не "
                          "говорят о клиентах с одной покупкой"),
    "failed_with_penalty": "{plain} (и со штрафом clv.penalizer_coef = {penalty}: {penalised})",
    "bgnbd_no_convergence": "BG/NBD не сошлась",
    "bgnbd_singular": ("BG/NBD: информационная матрица оценки вырождена (данные не позволяют определить "
                       "все четыре параметра)"),
    "bgnbd_invalid": "BG/NBD не сошлась к допустимым параметрам: {params}",
    "pareto_nbd_budget": ("Pareto/NBD не сошлась: поиск ушёл к параметрам, при которых правдоподобие "
                          "слишком дорого вычислять ({terms:number} членов ряда)"),
    "pareto_nbd_not_evaluated": "Pareto/NBD не сошлась (правдоподобие не удалось вычислить)",
    "pareto_nbd_ran_off": "Pareto/NBD не сошлась: {names} ушли к 0 или к бесконечности",
    "gamma_gamma_not_enough": ("недостаточно данных для Gamma-Gamma: {repeat:number} повторных покупателей "
                               "с положительными тратами; нужно не меньше {needed:number} "
                               "(clv.min_repeat_buyers)"),
    "gamma_gamma_no_convergence": "Gamma-Gamma не сошлась",
    "gamma_gamma_singular": "Gamma-Gamma: информационная матрица оценки вырождена",
    "gamma_gamma_heavy_tail": ("Gamma-Gamma: суммы покупок слишком тяжелохвостые для модели (при "
                               "q = {q:number2} <= 1 нет конечного среднего)"),
    "spend_fallback": ("{reason}; вместо модели CLV использует собственную среднюю сумму клиента за день "
                       "покупки"),
    "with_advice": "{reason}; {advice}",
    "advice_one": "может помочь {hint}",
    "advice_two": "может помочь {first} или {second}",
    "hint.weekly": "недельная единица времени (clv.time_unit: W)",
    "hint.penalty": "штраф L2 (clv.penalizer_coef больше 0)",
    "hint.larger_penalty": "clv.penalizer_coef больше {penalty}",
    "no_dropout": ("{model}: ухода клиентов не обнаружено. Правдоподобие максимально на границе "
                   "{parameter} → 0, где никто не уходит, поэтому модель сводится к NBD с r = {r:number2} и "
                   "α = {alpha:number2} (время в {unit}); {other} на этой границе не определяется. Все "
                   "клиенты считаются активными (P(alive) = 1) и продолжают покупать в своём темпе."),
    "no_members": ("ни один клиент с покупками не участвует в программе на {day:date}: CLV участников "
                   "сравнивать не с чем"),
    "no_non_members": ("все клиенты с покупками участвуют в программе на {day:date}: сравнивать не с "
                       "кем"),
}

LABELS_RU = {
    # tables
    "item": "Показатель",
    "value": "Значение",
    "identified customers with a purchase": "идентифицированные клиенты с покупками",
    "purchase days (checks merged per customer and day)": "дни покупок (чеки объединены по клиенту и дню)",
    "anonymous checks (left out)": "анонимные чеки (не учитываются)",
    "return days (net amount below 0; left out)": "дни возвратов (чистая сумма ниже 0; не учитываются)",
    "customers acquired in the calibration period": "клиенты, привлечённые в калибровочном периоде",
    "of them repeat buyers in the calibration period": "из них повторные покупатели в калибровочном периоде",
    "model": "Модель",
    "parameter": "Параметр",
    "estimate": "Оценка",
    "std_error": "Стандартная ошибка",
    "ci_low": "95 % ДИ: от",
    "ci_high": "95 % ДИ: до",
    "customers": "Клиенты",
    "log_likelihood": "Логарифм правдоподобия",
    "penalizer": "Штраф",
    "alpha": "α",
    "beta": "β",
    "frequency": "Частота",
    "actual": "Факт",
    "predicted": "Прогноз",
    "error_rate": "Ошибка",
    "mae": "Средняя абсолютная ошибка",
    "predicted_bgnbd": "Прогноз BG/NBD",
    "predicted_pareto_nbd": "Прогноз Pareto/NBD",
    "group": "Группа",
    "share_of_customers": "Доля клиентов",
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
    "customer_id": "ID клиента",
    "segment": "Сегмент",
    "at risk (P(alive) 0.3 to 0.7)": "под угрозой (P(alive) от 0,3 до 0,7)",
    "likely active (P(alive) 0.7 or more)": "вероятно, активны (P(alive) 0,7 и выше)",
    "likely lost (P(alive) below 0.3)": "вероятно, ушли (P(alive) ниже 0,3)",
    "members": "Участники",
    "non_members": "Неучастники",
    "(unknown)": "(неизвестно)",
    "first_purchase": "Первая покупка",
    "monetary_value": "Средняя сумма покупки",
    "spend": "Траты",
    "T": "Возраст (T)",
    # charts
    "repeat purchases in the calibration period": "повторные покупки в калибровочном периоде",
    "purchases per customer in the holdout": "покупок на клиента в контрольном периоде",
    "Holdout: predicted vs actual purchases by calibration frequency": (
        "Контрольный период: прогноз и факт покупок по частоте в калибровочном периоде"),
    " calibration end": " конец калибровки",
    "cumulative repeat purchases": "накопленные повторные покупки",
    "Tracking: cumulative repeat purchases of the calibration customers": (
        "Отслеживание: накопленные повторные покупки клиентов калибровочного периода"),
    "CLV (values above the 99th percentile in the last bar)": (
        "CLV (значения выше 99-го перцентиля — в последнем столбце)"),
    "CLV per customer": "CLV клиента",
    "share of customers (highest CLV first)": "доля клиентов (по убыванию CLV)",
    "share of total CLV": "доля общего CLV",
    "Concentration of value": "Концентрация ценности",
    "mean CLV per customer": "средний CLV клиента",
    "Mean CLV: members vs non-members": "Средний CLV: участники и неучастники",
    "share of total CLV above the bars": "над столбцами — доля общего CLV",
}

register("", {"en": FRAME_EN, "ru": FRAME_RU})
register("clv", {"en": EN, "ru": RU}, labels={"ru": LABELS_RU})
