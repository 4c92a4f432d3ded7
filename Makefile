# Serverless MFA: the two commands of the quick start, and their helpers.
#   make test   all tests: unit tests of the core, integration tests over moto (LocalStack too where Docker runs)

SHELL := /bin/bash
VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
MVN := mvn -B -ntp

.PHONY: test verify-tools clean

test: $(VENV)/.installed verify-tools
	VENV_PYTHON=$(VENV_PYTHON) tools/with-moto.sh $(MVN) verify -Dmfa.requireTools=true
	@tools/test-summary.sh

# The emulator (moto in server mode), pinned, in a virtualenv of the project's own.
$(VENV)/.installed: tools/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r tools/requirements.txt
	touch $@

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
