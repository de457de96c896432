# Sourced by scripts/setup.sh. apt_waiting CMD...: runs an apt command (with sudo when not root),
# and while another process (unattended upgrades, a parallel setup) holds apt's locks, waits and
# tries again, up to APT_WAIT_SECONDS (600), every APT_WAIT_STEP seconds (5), instead of failing
# at once. Any other failure is printed and returned.
apt_waiting() {
  local deadline=$((SECONDS + ${APT_WAIT_SECONDS:-600})) out status sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  while :; do
    out=$($sudo "$@" 2>&1) && return 0
    status=$?
    if grep -qE "Could not get lock|Unable to acquire|is another process using it" <<<"$out" &&
      [ "$SECONDS" -lt "$deadline" ]; then
      echo "setup: apt is busy (another process holds its lock); waiting" >&2
      sleep "${APT_WAIT_STEP:-5}"
      continue
    fi
    printf '%s\n' "$out" >&2
    return "$status"
  done
}
