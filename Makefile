# Serverless MFA: the two commands of the quick start, and their helpers.
#   make run    the local stack: moto, the API on http://127.0.0.1:3000 and the portal page
#   make test   all tests: cfn-lint, unit tests of the core, integration tests over moto
#               (and over LocalStack where a Docker engine runs)

SHELL := /bin/bash
VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
MVN := mvn -B -ntp

.PHONY: run test lint invoke verify-tools fuzz bench report clean

# The local stack. Moto listens on 127.0.0.1:4566 (events/env.json points `sam local invoke` at it),
# the gateway on 127.0.0.1:3000 with the routes of template.yaml. Ctrl-C stops both.
# GATEWAY_PORT moves the gateway (make run GATEWAY_PORT=3100: http://127.0.0.1:3100, and the MFA tokens' local issuer with it).
LOCAL_ENV := MFA_TABLE_NAME=serverless-mfa-local MFA_KMS_KEY_ID=alias/serverless-mfa-local MFA_TOKEN_AUDIENCE=mfa-portal-local
GATEWAY_PORT ?= 3000
run: $(VENV)/.installed
	$(MVN) -q install -DskipTests
	MOTO_PORT=$${MOTO_PORT:-4566} VENV_PYTHON=$(VENV_PYTHON) tools/with-moto.sh env $(LOCAL_ENV) \
	  $(MVN) -q -pl functions/local exec:java -Dexec.mainClass=io.serverlessmfa.local.LocalGateway \
	  -Dexec.args=$(GATEWAY_PORT)

test: lint verify-tools
	VENV_PYTHON=$(VENV_PYTHON) tools/with-moto.sh $(MVN) verify -Dmfa.requireTools=true
	@tools/test-summary.sh

# The emulator (moto in server mode), pinned, in a virtualenv of the project's own.
$(VENV)/.installed: tools/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r tools/requirements.txt
	touch $@

# The Docker-free twin of `sam local invoke`: one handler (the one template.yaml names for
# FUNCTION) on one event file, in-process, against a fresh moto with the table and key of
# events/env.json; prints the response. The event's sign-in (auth_time and iat, 1795860000 in the
# files) is dated now, as a fresh sign-in would be: setup, recovery codes and remove need one.
FUNCTION ?= SetupFunction
EVENT ?= events/setup.json
invoke: $(VENV)/.installed
	$(MVN) -q install -DskipTests
	mkdir -p target
	sed "s/1795860000/$$(date +%s)/g" $(EVENT) > target/invoke-event.json
	VENV_PYTHON=$(VENV_PYTHON) tools/with-moto.sh env $(LOCAL_ENV) \
	  $(MVN) -q -pl functions/local exec:java -Dexec.mainClass=io.serverlessmfa.local.InvokeFunction \
	  -Dexec.args="$(FUNCTION) $(CURDIR)/target/invoke-event.json"

lint: $(VENV)/.installed
	$(VENV)/bin/cfn-lint template.yaml docs/examples/relying-party-template.yaml

# Fuzzes the API against openapi.yaml (the HTTP contract as OpenAPI) with Schemathesis on the local
# stack: over 10,000 requests, with a valid token and without one, and the helpdesk's routes with and
# without the operator's step-up; no 5xx, every response as declared. Starts and stops `make run`
# itself (on FUZZ_PORT, default 3000, which must be free). Reports: target/fuzz/.
fuzz: $(VENV)/.installed
	tools/fuzz.sh

# The adoption numbers of the running local stack (`make run` in another terminal): the scheduled
# report's figures, and a reconciliation of the counters against a scan of the table.
report:
	@curl -s -o /dev/null http://127.0.0.1:4566/ || { echo "the local stack is not running: start it with 'make run'" >&2; exit 1; }
	$(MVN) -q install -DskipTests
	env $(LOCAL_ENV) AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test \
	  AWS_SECRET_ACCESS_KEY=test $(MVN) -q -pl functions/local exec:java -Dexec.mainClass=io.serverlessmfa.local.Report

# Measurements (never timed unit tests), written into docs/performance.md section by section:
# the metrics library's cold-start cost; the functions' cold start against a floor and the common
# build (fresh JVMs over moto; RUNS sets the rounds); JMH's warm CPU cost per operation next to
# java-totp and googleauth (about 4 minutes); the AWS calls and cost per operation and the
# capacity math (counted over moto). BASELINE=<commit> also runs that commit's deployed jar in the
# cold-start rounds (confirm and verify), for a change's before and after side by side.
bench: $(VENV)/.installed
	tools/bench-metrics.sh
	VENV_PYTHON=$(VENV_PYTHON) BASELINE=$(BASELINE) tools/bench-cold-start.sh
	tools/bench-warm.sh
	VENV_PYTHON=$(VENV_PYTHON) tools/bench-calls.sh
	VENV_PYTHON=$(VENV_PYTHON) tools/bench-recovery-key.sh

# `sam build` builds each function with its Makefile target (BuildMethod: makefile): one shaded
# jar for all functions, placed where the Java runtime looks for it.
SAM_FUNCTIONS := StatusFunction SetupFunction ConfirmFunction VerifyFunction RecoverFunction RecoveryCodesFunction \
  RemoveFunction EventsFunction AdminStatsFunction AdminUserFunction AdminResetFunction AdoptionReportFunction \
  ReconcileFunction DiscoveryFunction JwksFunction RotateSigningKeysFunction RecoveryHashUpgradeFunction \
  PublishSecurityEventsFunction
.PHONY: $(addprefix build-,$(SAM_FUNCTIONS))
$(addprefix build-,$(SAM_FUNCTIONS)):
	$(MVN) -q package -DskipTests
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp functions/mfa/target/mfa-functions-lambda.jar "$(ARTIFACTS_DIR)/lib/"

# Real tools the tests check our output with: zbarimg (a QR reader) and oathtool (computes TOTP
# codes like an authenticator app). Installed from Debian when missing and we may.
verify-tools:
	@missing=""; \
	command -v zbarimg >/dev/null || missing="$$missing zbar-tools"; \
	command -v oathtool >/dev/null || missing="$$missing oathtool"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "please install:$$missing (Debian/Ubuntu: sudo apt-get install$$missing)"; exit 1; \
	  fi; \
	fi

clean:
	$(MVN) -q clean
	rm -rf $(VENV)
