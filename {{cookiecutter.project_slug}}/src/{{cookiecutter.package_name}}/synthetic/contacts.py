"""Fake contacts of the customers (built-in name lists, @example.com) and the dirt that blanks some."""

from __future__ import annotations

import numpy as np

# (Cyrillic, Latin) name lists; surnames in the masculine form, the feminine adds "а" / "a".
_MALE = [("Александр", "aleksandr"), ("Дмитрий", "dmitry"), ("Максим", "maksim"), ("Сергей", "sergey"),
         ("Андрей", "andrey"), ("Алексей", "aleksey"), ("Артём", "artem"), ("Илья", "ilya"),
         ("Кирилл", "kirill"), ("Михаил", "mikhail"), ("Никита", "nikita"), ("Иван", "ivan"),
         ("Евгений", "evgeny"), ("Роман", "roman"), ("Павел", "pavel"), ("Владимир", "vladimir")]
_FEMALE = [("Анна", "anna"), ("Мария", "maria"), ("Елена", "elena"), ("Ольга", "olga"),
           ("Наталья", "natalya"), ("Екатерина", "ekaterina"), ("Татьяна", "tatyana"),
           ("Ирина", "irina"), ("Светлана", "svetlana"), ("Юлия", "yulia"), ("Дарья", "darya"),
           ("Ксения", "ksenia"), ("Полина", "polina"), ("Виктория", "viktoria")]
_SURNAMES = [("Иванов", "ivanov"), ("Смирнов", "smirnov"), ("Кузнецов", "kuznetsov"), ("Попов", "popov"),
             ("Васильев", "vasilyev"), ("Петров", "petrov"), ("Соколов", "sokolov"),
             ("Михайлов", "mikhaylov"), ("Новиков", "novikov"), ("Фёдоров", "fedorov"),
             ("Морозов", "morozov"), ("Волков", "volkov"), ("Алексеев", "alekseev"),
             ("Лебедев", "lebedev"), ("Семёнов", "semenov"), ("Егоров", "egorov"), ("Павлов", "pavlov"),
             ("Козлов", "kozlov"), ("Степанов", "stepanov"), ("Николаев", "nikolaev"), ("Орлов", "orlov"),
             ("Андреев", "andreev"), ("Макаров", "makarov"), ("Никитин", "nikitin"),
             ("Захаров", "zakharov"), ("Зайцев", "zaytsev"), ("Соловьёв", "solovyev"),
             ("Борисов", "borisov"), ("Яковлев", "yakovlev"), ("Григорьев", "grigoryev")]


def _pick(names: list[tuple[str, str]], which: int, idx: np.ndarray) -> np.ndarray:
    return np.array([pair[which] for pair in names], dtype=object)[idx]


def make_contacts(cust: dict, p: dict, rng: np.random.Generator) -> dict:
    n = cust["n"]
    female = rng.random(n) < 0.5
    fm = rng.integers(0, len(_MALE), n)
    ff = rng.integers(0, len(_FEMALE), n)
    sn = rng.integers(0, len(_SURNAMES), n)
    first = np.where(female, _pick(_FEMALE, 0, ff), _pick(_MALE, 0, fm))
    first_lat = np.where(female, _pick(_FEMALE, 1, ff), _pick(_MALE, 1, fm))
    last = _pick(_SURNAMES, 0, sn) + np.where(female, "а", "").astype(object)
    last_lat = _pick(_SURNAMES, 1, sn) + np.where(female, "a", "").astype(object)
    suffix = (cust["id"].astype(np.int64) - 10_000_000).astype(str).astype(object)
    email = first_lat + "." + last_lat + suffix + "@example.com"
    digits = [np.char.zfill(rng.integers(0, 10**w, n).astype(str), w).astype(object)
              for w in (2, 3, 2, 2)]
    phone = "+7 9" + digits[0] + " " + digits[1] + "-" + digits[2] + "-" + digits[3]
    miss = p["contact_missing_shares"]
    email[rng.random(n) < miss["email"]] = ""
    phone[rng.random(n) < miss["phone"]] = ""
    no_name = rng.random(n) < miss["name"]
    first[no_name] = ""
    last[no_name] = ""
    return {"email": email, "phone": phone, "first_name": first, "last_name": last}


def blank_contacts(contacts: dict, p: dict, rng: np.random.Generator) -> int:
    """Dirt: blank email and phone of a further share of customers; returns how many lost a value."""
    n = contacts["email"].size
    hit = rng.random(n) < p["dirt_shares"]["missing_contacts"]
    had = (contacts["email"] != "") | (contacts["phone"] != "")
    contacts["email"][hit] = ""
    contacts["phone"][hit] = ""
    return int(np.count_nonzero(hit & had))
