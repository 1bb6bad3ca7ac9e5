# Environment shared by the scripts that run a real Home Assistant
# (scripts/develop and the end-to-end tests). Source it after scripts/setup:
#   ROOT=<repository root>; . "$ROOT/scripts/_env.sh"
# It sets PY (the .venv interpreter) and exports SSL_CERT_FILE and CPATH.
# shellcheck shell=bash

PY="$ROOT/.venv/bin/python"

# Home Assistant installs its own runtime requirements (frontend, ...) with uv on
# first start: uv needs the system CA bundle here.
export SSL_CERT_FILE="${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}"

# A few runtime requirements (pymicro-vad, pyspeex-noise) are built from source
# with the host's compiler. Debian's pyconfig.h includes
# <x86_64-linux-gnu/python3.14/pyconfig.h>: expose only that directory, never the
# interpreter's whole include tree (its libc headers would break the build).
_sangoma_include="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')"
_sangoma_multiarch="$("$PY" -c 'import sysconfig; print(sysconfig.get_config_var("MULTIARCH") or "")')"
if [ -n "$_sangoma_multiarch" ] && [ -d "$_sangoma_include/../$_sangoma_multiarch" ]; then
  _sangoma_shim="$ROOT/.venv/cpath-shim"
  mkdir -p "$_sangoma_shim/$_sangoma_multiarch"
  ln -sfn "$(cd "$_sangoma_include/../$_sangoma_multiarch/$(basename "$_sangoma_include")" && pwd)" \
    "$_sangoma_shim/$_sangoma_multiarch/$(basename "$_sangoma_include")"
  case ":${CPATH:-}:" in
    *":$_sangoma_shim:"*) ;;
    *) export CPATH="$_sangoma_shim${CPATH:+:$CPATH}" ;;
  esac
fi
unset _sangoma_include _sangoma_multiarch _sangoma_shim
