"""The report frame's own texts: cover, headings, footer (``report.*``), a partial run's banner and
failed sections (``partial.*``), the data-quality appendix (``dq.*``) and the headings of the
methodology groups (``method.group.*``).

The template (``templates/report.html.j2``) takes the ``report.*`` texts as `labels` (`frame_labels`).
Tiles, findings and methodology entries are the sections' texts (their ``texts.py``).
"""

from __future__ import annotations

from ..text import common  # noqa: F401  (registers the shared labels the report uses)
from ..text.catalogue import LANGUAGES, keys, register, template

register(
    "report",
    {
        "en": {
            "title": "Loyalty program analysis",
            "client": "Client",
            "period": "Period",
            "run": "Run",
            "generated": "Generated",
            "currency": "Currency",
            "contents": "Contents",
            "summary": "Executive summary",
            "key_figures": "Key figures",
            "findings": "Findings",
            "tiles_legend": ("Under the value: change against the previous period (— where the data hold "
                             "no previous period). Green: better, red: worse, grey: no judgement."),
            "no_data": "Not enough data for the headline figures.",
            "methodology": "Appendix A. Methodology: formulas and definitions",
            "methodology_intro": ("How every number of this report is computed. Fractions are shown as "
                                  "percentages; money is in the client's currency."),
            "data_quality": "Appendix B. Data quality",
            "data_quality_intro": ("What was read from the client's files and what the cleaning rules set "
                                   "aside (details in the data-quality section)."),
            "indicator": "Indicator",
            "value": "Value",
            "footer": "Prepared with the loyalty analytics pipeline",
            "confidential": "Confidential: for the client's internal use",
        },
        "ru": {
            "title": "Анализ программы лояльности",
            "client": "Клиент",
            "period": "Период",
            "run": "Запуск",
            "generated": "Сформирован",
            "currency": "Валюта",
            "contents": "Содержание",
            "summary": "Краткие выводы",
            "key_figures": "Ключевые показатели",
            "findings": "Выводы",
            "tiles_legend": ("Под значением — изменение к предыдущему периоду (— если данных за прошлый "
                             "период нет). Зелёный — лучше, красный — хуже, серый — без оценки."),
            "no_data": "Недостаточно данных для ключевых показателей.",
            "methodology": "Приложение А. Методика: формулы и определения",
            "methodology_intro": ("Как рассчитан каждый показатель отчёта. Доли приведены в процентах, "
                                  "денежные суммы — в валюте клиента."),
            "data_quality": "Приложение Б. Качество данных",
            "data_quality_intro": ("Что прочитано из файлов клиента и что отложено правилами очистки "
                                   "(подробности — в разделе о качестве данных)."),
            "indicator": "Показатель",
            "value": "Значение",
            "footer": "Подготовлено конвейером анализа программ лояльности",
            "confidential": "Конфиденциально: для внутреннего использования клиентом",
        },
    },
)

register(
    "partial",
    {
        "en": {
            "quoted": "“{title}”",
            "banner_one": ("This report is partial: section {section} failed. Every other section is "
                           "complete; the failed one shows its error."),
            "banner_many": ("This report is partial: sections {sections} failed. Every other section is "
                            "complete; the failed ones show their error."),
            "section_failed": ("This section could not be computed: its notebook stopped with the error "
                               "below. The other sections are not affected. The executed notebook, with "
                               "the failing cell, is in the bundle: {notebook}."),
        },
        "ru": {
            "quoted": "«{title}»",
            "banner_one": ("Отчёт неполный: раздел {section} завершился ошибкой. Остальные разделы "
                           "полные; у раздела с ошибкой показана её причина."),
            "banner_many": ("Отчёт неполный: разделы {sections} завершились ошибкой. Остальные разделы "
                            "полные; у разделов с ошибкой показана её причина."),
            "section_failed": ("Этот раздел не удалось рассчитать: его блокнот остановился с ошибкой, "
                               "приведённой ниже. Остальные разделы это не затронуло. Выполненный блокнот "
                               "с ячейкой, где произошла ошибка, сохранён в комплекте: {notebook}."),
        },
    },
)

register(
    "dq",
    {
        "en": {
            "rows": "Rows read: {table}",
            "rejected_rows": "Checks set aside by the cleaning rules",
            "completeness": "Customers with {field}",
            "field.email": "a valid email",
            "field.phone": "a phone number",
            "field.name": "first and last name",
            "table.transactions": "transactions",
            "table.customers": "customers",
            "table.points": "points ledger",
            "table.nps": "NPS answers",
            "table.surveys": "surveys",
            "table.campaigns": "campaigns",
            "not_provided": "not provided",
        },
        "ru": {
            "rows": "Прочитано строк: {table}",
            "rejected_rows": "Чеков отложено правилами очистки",
            "completeness": "Клиентов с {field}",
            "field.email": "корректным email",
            "field.phone": "номером телефона",
            "field.name": "именем и фамилией",
            "table.transactions": "чеки",
            "table.customers": "клиенты",
            "table.points": "журнал баллов",
            "table.nps": "ответы NPS",
            "table.surveys": "опросы",
            "table.campaigns": "кампании",
            "not_provided": "не предоставлено",
        },
    },
)

register(
    "method",
    {
        "en": {
            "group.program": "Program KPIs",
            "group.retention": "Retention",
            "group.uplift": "Program effect and ROI",
            "group.clv": "Customer lifetime value",
        },
        "ru": {
            "group.program": "Показатели программы",
            "group.retention": "Удержание",
            "group.uplift": "Эффект программы и ROI",
            "group.clv": "Пожизненная ценность клиента (CLV)",
        },
    },
)


def frame_labels(language: str) -> dict[str, str]:
    """Every ``report.*`` text in `language` (English for a language without texts), by its full name:
    what the template shows as ``labels["report.title"]``."""
    language = language if language in LANGUAGES else "en"
    return {key: template(key, language) for key in keys() if key.startswith("report.")}
