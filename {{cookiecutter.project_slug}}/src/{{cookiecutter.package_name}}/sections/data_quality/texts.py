"""Every text of the data-quality section (00) in English and Russian: captions and sentences as named
templates; column names, rule descriptions, units and actions as labels."""

from __future__ import annotations

from ...text import common  # noqa: F401  (the shared labels: tables, columns, common words)
from ...text.catalogue import register

SECTION = {
    "en": {
        "title": "Data quality",
        "inputs_table": "Tables provided",
        "coverage": ("The analysis covers **{start:date} – {end:date}**: {checks:number} checks of "
                     "{customers:number} identified customers."),
        "coverage_checks": ("The analysis covers **{start:date} – {end:date}**: {checks:number} checks, none "
                            "of them with a customer id."),
        "rules_table": "Checks touched by each rule",
        "set_aside": ("{rejected:number} of {read:number} checks were set aside; {anonymous:percent} of the "
                      "analysed checks are anonymous (no loyalty identification)."),
        "lines": ("{read:number} receipt lines were summed into {checks:number} checks "
                  "({per_check:number1} lines per check); {conflicts:number} checks have lines that disagree "
                  "on the date, customer, store, region or card: their first line's values are used."),
        "volume_chart": "Checks per month",
        "gaps": "Months that look incomplete: **{months}**.",
        "no_gaps": "No month falls below half of the typical monthly volume: the export looks continuous.",
        "completeness_table": "Profile completeness",
        "missing_table": "Empty cells per column",
    },
    "ru": {
        "title": "Качество данных",
        "inputs_table": "Предоставленные таблицы",
        "coverage": ("Анализ охватывает период **{start:date} – {end:date}**: {checks:number} чеков "
                     "{customers:number} идентифицированных клиентов."),
        "coverage_checks": ("Анализ охватывает период **{start:date} – {end:date}**: {checks:number} чеков, "
                            "ни в одном нет идентификатора клиента."),
        "rules_table": "Чеки, затронутые каждым правилом",
        "set_aside": ("Отложено {rejected:number} из {read:number} чеков; {anonymous:percent} анализируемых "
                      "чеков анонимны (без идентификации в программе)."),
        "lines": ("{read:number} строк чеков сложены в {checks:number} чеков ({per_check:number1} строки на "
                  "чек); в {conflicts:number} чеках строки расходятся в дате, клиенте, магазине, регионе или "
                  "карте: взяты значения первой строки."),
        "volume_chart": "Чеки по месяцам",
        "gaps": "Месяцы, которые выглядят неполными: **{months}**.",
        "no_gaps": ("Ни один месяц не опускается ниже половины обычного месячного объёма: выгрузка выглядит "
                    "непрерывной."),
        "completeness_table": "Наполненность профилей",
        "missing_table": "Пустые ячейки по столбцам",
    },
}

LABELS = {"ru": {
    "table": "Таблица",
    "rows_read": "Прочитано строк",
    "rows_analysed": "Строк в анализе",
    "columns": "Столбцов",
    "first_date": "Первая дата",
    "last_date": "Последняя дата",
    "status": "Статус",
    "not provided": "не предоставлена",
    "ok": "есть",
    "rule": "Правило",
    "count": "Количество",
    "unit": "Единица",
    "action": "Действие",
    "share_of_checks": "Доля чеков",
    "exact duplicate checks": "точные дубликаты чеков",
    "dated in the future": "датированы будущим",
    "outside the analysed period": "вне анализируемого периода",
    "total lines of the export (Итого, Всего, Total)": "строки итогов выгрузки (Итого, Всего, Total)",
    "file lines": "строки файла",
    "set aside, not analysed": "отложены, не анализируются",
    "returns (negative amount)": "возвраты (отрицательная сумма)",
    "returns without a matching purchase": "возвраты без соответствующей покупки",
    "customers with negative net spend": "клиенты с отрицательными чистыми тратами",
    "zero amount": "нулевая сумма",
    "repeated transaction id, rows differ": "повторный номер чека, строки различаются",
    "anonymous (no customer id)": "анонимные (без ID клиента)",
    "customers in checks, missing from the customer table": ("клиенты из чеков, которых нет в таблице "
                                                             "клиентов"),
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
    "field": "Поле",
    "share_of_customers": "Доля клиентов",
    "valid email": "корректный email",
    "phone number": "номер телефона",
    "first and last name": "имя и фамилия",
    "column": "Столбец",
    "missing": "Пусто",
}}

register("data_quality", SECTION, labels=LABELS)
