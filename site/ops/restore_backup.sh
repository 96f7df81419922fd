#!/usr/bin/env bash
# Restore a backup into a FRESH database and prove it is usable (docs/operations.md "Backup and
# restore"). Never touches an existing database: restore next to production, check, then switch
# DATABASE_URL over.
#
#   PGHOST=db PGUSER=portal site/ops/restore_backup.sh /backups/2026-11-26/portal.pgdump portal_restored \
#       [/backups/2026-11-26/files.tar.gz /srv/portal/var-restored]
#
# Steps, each of which stops the script with a non-zero exit on failure:
#  1. refuse if the target database exists; create it;
#  2. pg_restore --exit-on-error --no-owner the dump into it;
#  3. with DATABASE_URL pointing at it: `manage.py check --database default` and
#     `manage.py migrate --check` (the dump matches this code's migrations);
#  4. row counts of the key tables, compared with DUMP.counts when backup.sh wrote one;
#  5. with a files archive: unpack it into TARGET_DIR and check that every document row
#     (workflows_document.file) has its file under TARGET_DIR/private.
# Other settings (DJANGO_SETTINGS_MODULE, SECRET_KEY, ...) come from the caller's environment, as
# for the site itself; PYTHON defaults to the project's .venv.
set -euo pipefail

if [ $# -ne 2 ] && [ $# -ne 4 ]; then
    echo "usage: $0 DUMP NEW_DATABASE [FILES_ARCHIVE TARGET_DIR]" >&2
    exit 2
fi
dump=$1
database=$2
archive=${3:-}
target_dir=${4:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
python=${PYTHON:-$root/.venv/bin/python}
[ -x "$python" ] || python=python3

fail() {
    echo "restore check FAILED: $*" >&2
    exit 1
}

[ -r "$dump" ] || fail "cannot read $dump"
if [ -n "$(psql -X -At -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" ]; then
    fail "database $database exists; restore into a fresh database only"
fi
createdb "$database"
pg_restore --exit-on-error --no-owner --dbname="$database" "$dump" || fail "pg_restore failed"
echo "restored $dump into $database"

host=${PGHOST:-127.0.0.1}
port=${PGPORT:-5432}
user=${PGUSER:-postgres}
auth=$user${PGPASSWORD:+:$PGPASSWORD}
export DATABASE_URL="postgres://$auth@$host:$port/$database"
cd "$root"
"$python" manage.py check --database default >/dev/null || fail "manage.py check"
"$python" manage.py migrate --check >/dev/null || fail "the dump does not match this code's migrations"
echo "manage.py check and migrate --check: ok"

status=0
count() { psql -X -At -d "$database" -c "SELECT count(*) FROM $1"; }
if [ -r "$dump.counts" ]; then
    while read -r table expected; do
        actual=$(count "$table")
        printf '%-45s %8s (backup: %s)\n' "$table" "$actual" "$expected"
        [ "$actual" = "$expected" ] || { echo "row count differs for $table" >&2; status=1; }
    done <"$dump.counts"
else
    for table in accounts_user workflows_application workflows_applicationevent workflows_document; do
        printf '%-45s %8s\n' "$table" "$(count "$table")"
    done
fi
[ "$status" = 0 ] || fail "row counts differ from the backup's manifest"

if [ -n "$archive" ]; then
    mkdir -p "$target_dir"
    tar -xzf "$archive" -C "$target_dir" || fail "cannot unpack $archive"
    missing=0
    while read -r name; do
        [ -z "$name" ] && continue
        [ -f "$target_dir/private/$name" ] || { echo "missing file: $name" >&2; missing=$((missing + 1)); }
    done < <(psql -X -At -d "$database" -c "SELECT file FROM workflows_document")
    [ "$missing" = 0 ] || fail "$missing document file(s) missing from $archive"
    echo "every document row has its file under $target_dir/private"
fi
echo "restore check passed: $database"
