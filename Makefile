# Townsquare: `make run` to try it, `make test` to test it. Both set up everything they need.
.PHONY: run test setup setup-test migrate demo lint typecheck bench serve-celery clean

VENV := .venv
PY := $(VENV)/bin/python
export TOWNSQUARE_DEMO ?= 1

setup:
	scripts/setup.sh

setup-test:
	scripts/setup.sh --test

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

## Run the product on SQLite with its worker and scheduler at http://127.0.0.1:8000 (BIND=host:port to move it),
## beside a sandbox Mastodon server that the demo publishes to and hears residents from (manage.py serve)
run: demo
	$(PY) manage.py serve

## The whole test suite: lint, types, then the tests on SQLite and again on PostgreSQL
test: setup-test
	$(VENV)/bin/ruff check townsquare tests bench scripts
	$(VENV)/bin/ruff format --check townsquare tests bench scripts
	$(VENV)/bin/mypy townsquare
	scripts/test.sh

lint:
	$(VENV)/bin/ruff check townsquare tests bench scripts
	$(VENV)/bin/ruff format --check townsquare tests bench scripts

typecheck:
	$(VENV)/bin/mypy townsquare

bench: setup-test
	scripts/bench.sh

## One Celery worker for scaled-out running (README, "Scaled out"): it takes jobs from CELERY_BROKER_URL,
## with the settings in the environment; demo mode only when TOWNSQUARE_DEMO=1 is set there. CONCURRENCY=4.
CONCURRENCY ?= 4
serve-celery:
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0): the worker takes its jobs from there." >&2; exit 2; }
	TOWNSQUARE_DEMO=$(if $(filter file,$(origin TOWNSQUARE_DEMO)),0,$(TOWNSQUARE_DEMO)) \
		$(VENV)/bin/celery -A townsquare worker --concurrency $(CONCURRENCY) --loglevel INFO

clean:
	rm -rf var/townsquare.sqlite3* var/static assets/build
