# zhengwu 政务信息平台 — see README.md.
#   make run   [PORT=8000]   install, migrate, load catalog + calendar + demo county, serve
#   make test  [ARGS=...]    whole suite on SQLite, then on PostgreSQL
#   make bench               load-test the portal pages against a bare Django page
#   make screens [URL=...]   screenshots of every page at 1366 and 375 px into docs/screens/
#   make crashtest [ARGS=...] 500 submissions while processes are SIGKILLed; SQLite and PostgreSQL

SHELL := /bin/bash
PORT ?= 8000
ARGS ?=

.PHONY: run test bench crashtest screens venv clean-bench help

help:
	@sed -n '1,6p' Makefile

run:
	@PORT="$(PORT)" scripts/run.sh

test:
	@scripts/test.sh $(ARGS)

bench:
	@scripts/bench.sh $(ARGS)

screens:
	@URL="$(URL)" scripts/screens.sh $(ARGS)

crashtest:
	@scripts/crashtest.sh $(ARGS)

venv:
	@bash -c 'source scripts/lib.sh && ensure_venv'

clean-bench:
	rm -rf var/bench
