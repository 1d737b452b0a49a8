# The template's own tasks. `make demo` and `make test` do all the set-up on a fresh machine
# (python3 and make are all they need).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BUILD := build
TEMPLATE_PROJECT := {{cookiecutter.project_slug}}

.PHONY: help venv demo test lint clean

help:
	@echo "make demo   bake a project with default answers into $(BUILD)/demo, run its pipeline on sample data"
	@echo "make test   bake several projects and run their tests and pipelines"
	@echo "make lint   ruff over hooks, tests and the template's Python"
	@echo "make clean  remove $(VENV) and $(BUILD)"

venv: $(VENV)/.ready

# The template's virtualenv holds cookiecutter plus every dependency of the generated project,
# taken from the generated pyproject.toml so that there is one list of dependencies.
$(VENV)/.ready: $(TEMPLATE_PROJECT)/pyproject.toml cookiecutter.json Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check "cookiecutter>=2.5,<3" "pytest>=8,<10"
	rm -rf $(BUILD)/deps
	$(BIN)/cookiecutter --no-input -o $(BUILD)/deps .
	$(BIN)/python -m pip install -q --disable-pip-version-check "./$(BUILD)/deps/loyalty-analytics[dev]"
	$(BIN)/python -m pip uninstall -q -y loyalty-analytics
	touch $@

demo: venv
	rm -rf $(BUILD)/demo
	$(BIN)/cookiecutter --no-input -o $(BUILD)/demo .
	$(MAKE) --no-print-directory -C $(BUILD)/demo/loyalty-analytics demo VENV=$(abspath $(VENV))

test: venv
	$(BIN)/python -m pytest tests -v -rs --durations=15

lint: venv
	$(BIN)/ruff check hooks tests

clean:
	rm -rf $(VENV) $(BUILD)
