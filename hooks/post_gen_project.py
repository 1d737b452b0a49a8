"""Drop what the answers exclude, add the first client's config, print the next steps."""

import shutil
from pathlib import Path

CI = "{{ cookiecutter.ci }}"
FIRST_CLIENT = "{{ cookiecutter.first_client }}"
PROJECT = Path.cwd()

# {% raw %}
CLIENT_TEMPLATE = """\
# Client config: overrides of config/defaults.yaml (see it for every key and its meaning).
name: "{client}"
data:
  read: {{sep: ";", decimal: ",", encoding: utf-8, date_format: "%d.%m.%Y"}}
  transactions:
    path: data/raw/{client}/transactions.csv
    # client's column name -> canonical name (date, amount, customer_id, ...)
    columns: {{}}
program:
  launch_date: null
"""
# {% endraw %}


def main() -> None:
    if CI == "none":
        shutil.rmtree(PROJECT / ".github", ignore_errors=True)
    if FIRST_CLIENT != "demo":
        config = PROJECT / "config" / "clients" / f"{FIRST_CLIENT}.yaml"
        config.write_text(CLIENT_TEMPLATE.format(client=FIRST_CLIENT), encoding="utf-8")
    (PROJECT / "data" / "raw" / FIRST_CLIENT).mkdir(parents=True, exist_ok=True)
    print(
        f"""
Project created in {PROJECT}

Next steps:
  cd {PROJECT.name}
  make demo                      # virtualenv, sample data, full pipeline on the demo client
  make test                      # the project's tests
  # your client: put exports into data/raw/{FIRST_CLIENT}/, describe them in
  # config/clients/{FIRST_CLIENT}.yaml, then
  make validate CLIENT={FIRST_CLIENT}
  make run CLIENT={FIRST_CLIENT}
"""
    )


if __name__ == "__main__":
    main()
