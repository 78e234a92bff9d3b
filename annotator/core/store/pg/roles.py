"""Who may change what in a shared project, enforced by the server, not by the window.

Every shared project has three group roles of its own: owner, coder and viewer. Roles are
cluster-wide while projects are databases, so the groups are named after the database
("news_2026_coder") and recorded in project_info; a login is given a role by being made a
member of one group (`annotator server add-user`).

- owner: everything (codebook, documents, hand-out, adjudication and the gold layer,
  entities, managing coders). Whoever ran `server init` owns the tables and is an owner too.
- coder: reads everything; writes only their own codes. On a shared project a coder IS
  their login: their coders row is the one named like the login (kind 'coder'), added by
  their first edit. They may insert, change and delete annotations (and the attribute
  values on them), codesheet answers and "coded" marks of that row only; add entities
  and aliases while tagging, and change or remove those they added themselves (so undo
  works); set a document's status and memo (a desk's shared progress and notes), nothing
  else of a document.
- viewer: reads only.

Row-level security policies check every row a statement writes (its new version); a
trigger checks the row as it was before an UPDATE or DELETE and refuses loudly, so a
coder's client touching another coder's row gets an error (SQLSTATE 42501), not a silent
"0 rows" that the window would mistake for done. The change feed and the undo log keep
working for every role: the feed's rows carry the login that wrote them, and each session
keeps its undo log in a temporary table (TEMP is granted to every group).

Role and login names are never spliced into SQL: psycopg.sql.Identifier quotes them, and
values are parameters.
"""

from __future__ import annotations

import hashlib

from psycopg import sql

from annotator.core.common.errors import ProjectError

ROLES = ("owner", "coder", "viewer")
INFO_KEYS = {role: f"role_{role}" for role in ROLES}
MAX_NAME_BYTES = 63  # PostgreSQL cuts longer names silently (NAMEDATALEN - 1)
# project_info keys a coder may add: bookkeeping an export writes once (refi/ids.py).
CODER_INFO_KEYS = ("refi_namespace",)
# A document's columns a coder may change: progress and notes; the rest is the corpus, the owner's.
CODER_DOCUMENT_COLUMNS = ("status", "memo")

ROLE_SENTENCES = {
    "coder": ("{login} is a coder on {where}: coders change only their own codes (and a document's status and "
              "memo); the codebook, documents, other coders' codes and the gold layer are the owner's."),
    "viewer": "{login} is a viewer on {where} and may only read it.",
    "owner": "{login} is an owner on {where}.",
}

# Which rows are a coder's own, per table: a boolean SQL expression over the row (NEW or OLD
# is put in for {row} in the trigger; the bare column names in the policies).
_OWN = {
    "annotations": "annotator_my_coder({row}coder_id)",
    "annotation_values": "annotator_my_annotation({row}annotation_id)",
    "variable_values": "annotator_my_coder({row}coder_id)",
    "coded_documents": "annotator_my_coder({row}coder_id)",
    "coders": "({row}kind = 'coder' AND {row}name = current_user)",
    "entities": "annotator_added_by_me('entities', {row}id)",
    "entity_aliases": "annotator_added_by_me('entity_aliases', {row}id)",
}
# What a coder may do per table beyond reading; policies say to which rows.
_CODER_WRITES = {
    "annotations": ("INSERT", "UPDATE", "DELETE"),
    "annotation_values": ("INSERT", "UPDATE", "DELETE"),
    "variable_values": ("INSERT", "UPDATE", "DELETE"),
    "coded_documents": ("INSERT", "UPDATE", "DELETE"),
    "coders": ("INSERT", "DELETE"),
    "entities": ("INSERT", "UPDATE", "DELETE"),
    "entity_aliases": ("INSERT", "UPDATE", "DELETE"),
    "documents": ("UPDATE",),
    "project_info": ("INSERT", "UPDATE"),
    "changes": ("INSERT",),
}
# New rows a coder may write: any entity or alias (tagging names new people), their own rows elsewhere.
_CODER_NEW_ROWS = {
    **{table: _OWN[table].format(row="") for table in ("annotations", "annotation_values", "variable_values",
                                                          "coded_documents", "coders")},
    "entities": "true", "entity_aliases": "true",
    "project_info": "key = ANY (ARRAY[{}])".format(", ".join(f"'{key}'" for key in CODER_INFO_KEYS)),
    "documents": "true",  # which columns: the guard trigger
}


def group_names(database: str) -> dict[str, str]:
    """The project's group role per role, named after the database, each within PostgreSQL's 63 bytes."""
    longest = max(len(f"_{role}") for role in ROLES)
    base = database
    if len(base.encode()) + longest > MAX_NAME_BYTES:
        # Cut on a character boundary and add a digest, so two long names sharing a start stay apart.
        digest = hashlib.sha256(database.encode()).hexdigest()[:8]
        room = MAX_NAME_BYTES - longest - len(digest) - 1
        base = database.encode()[:room].decode(errors="ignore") + "_" + digest
    return {role: f"{base}_{role}" for role in ROLES}


# Every function the rules run has a fixed search_path with pg_temp last: a session's temporary
# tables come first otherwise, and a coder's own temporary "coders" table would answer for the real one.
SAFE_PATH = "SET search_path = pg_catalog, public, pg_temp"

# Who added a row is the login of its first insert on the feed: later entries (an undo's, or one a
# coder forged) cannot change it.
FUNCTIONS = rf"""
CREATE OR REPLACE FUNCTION annotator_my_coder(coder integer) RETURNS boolean
    LANGUAGE sql STABLE {SAFE_PATH} AS $$
    SELECT EXISTS (SELECT 1 FROM public.coders WHERE id = coder AND kind = 'coder' AND name = current_user) $$;
CREATE OR REPLACE FUNCTION annotator_my_annotation(annotation integer) RETURNS boolean
    LANGUAGE sql STABLE {SAFE_PATH} AS $$
    SELECT EXISTS (SELECT 1 FROM public.annotations a JOIN public.coders c ON c.id = a.coder_id
                   WHERE a.id = annotation AND c.kind = 'coder' AND c.name = current_user) $$;
CREATE OR REPLACE FUNCTION annotator_added_by_me(tbl_name text, row_id integer) RETURNS boolean
    LANGUAGE sql STABLE {SAFE_PATH} AS $$
    SELECT coalesce((SELECT login = current_user FROM public.changes WHERE tbl = tbl_name AND key = row_id::text
                     AND op = 'insert' ORDER BY seq LIMIT 1), false) $$;
"""
# The seam's own trigger functions (server_schema.py) name `changes` and `annotations` unqualified;
# pinning their path keeps a coder's temporary tables from standing in for them.
SEAM_FUNCTIONS = ("annotator_check_version()", "annotator_log_change()", "annotator_row_key(jsonb, text[])")

# The row as it was: refused unless the writer is an owner or the row was their own.
# The documents table: only CODER_DOCUMENT_COLUMNS may differ for a coder.
GUARD = r"""
CREATE OR REPLACE FUNCTION annotator_guard() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    own boolean;
BEGIN
    IF annotator_is_owner() THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_TABLE_NAME = 'documents' THEN
        IF (to_jsonb(OLD) - TG_ARGV) IS DISTINCT FROM (to_jsonb(NEW) - TG_ARGV) THEN
            RAISE EXCEPTION USING ERRCODE = '42501',
                MESSAGE = format('%s may change only a document''s %s; the rest is the owner''s',
                                 current_user, array_to_string(TG_ARGV, ' and '));
        END IF;
        RETURN NEW;
    END IF;
    EXECUTE format('SELECT %s', replace(TG_ARGV[0], '{row}', '($1).')) INTO own USING OLD;
    IF NOT coalesce(own, false) THEN
        RAISE EXCEPTION USING ERRCODE = '42501',
            MESSAGE = format('%s may not change another coder''s %s', current_user,
                             CASE TG_TABLE_NAME WHEN 'annotations' THEN 'annotation'
                                  WHEN 'annotation_values' THEN 'attribute value'
                                  WHEN 'variable_values' THEN 'codesheet answer'
                                  WHEN 'coded_documents' THEN 'coded mark' WHEN 'coders' THEN 'coder row'
                                  WHEN 'entities' THEN 'entity (only one they added)'
                                  WHEN 'entity_aliases' THEN 'alias (only one they added)'
                                  ELSE TG_TABLE_NAME END);
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
"""


def _owner_function(groups: dict[str, str]) -> sql.Composed:
    # The table owner (who ran init) and superusers are owners without being in the group.
    return sql.SQL(
        "CREATE OR REPLACE FUNCTION annotator_is_owner() RETURNS boolean LANGUAGE sql STABLE "
        f"{SAFE_PATH} AS $$ "
        "SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) "
        "OR pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = 'public.annotations'::regclass), "
        "'MEMBER') "
        "OR (EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {owner}) AND pg_has_role(current_user, {owner}, 'MEMBER')) "
        "$$").format(owner=sql.Literal(groups["owner"]))


def _ensure_group(conn, name: str) -> None:
    found = conn.execute_native("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
    if found is None:
        conn.execute_native(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)).as_string(conn.raw))
    elif found[0]:
        raise ProjectError(f"A login called {name!r} already exists on this server, so it cannot be this project's "
                           "group of that name. Choose another database name.")


def install(conn, database: str, tables: list[str]) -> dict[str, str]:
    """Create the groups (or reuse them), grants, policies and guard triggers, in the caller's transaction.

    Safe to run again (after a migration adds tables): policies and triggers are replaced."""
    groups = group_names(database)
    for name in groups.values():
        _ensure_group(conn, name)
    ident = {role: sql.Identifier(name) for role, name in groups.items()}
    everyone = sql.SQL(", ").join(ident.values())

    def run(statement, **names) -> None:
        text = sql.SQL(statement).format(**names) if names else sql.SQL(statement)
        conn.execute_native(text.as_string(conn.raw))

    run("REVOKE ALL ON DATABASE {db} FROM PUBLIC", db=sql.Identifier(database))
    run("GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {everyone}", db=sql.Identifier(database), everyone=everyone)
    run("GRANT USAGE ON SCHEMA public TO {everyone}", everyone=everyone)
    conn.execute_native(FUNCTIONS)
    conn.execute_native(_owner_function(groups).as_string(conn.raw))
    conn.execute_native(GUARD)
    for function in SEAM_FUNCTIONS:
        if conn.execute_native("SELECT to_regprocedure(%s) IS NOT NULL", (function,)).fetchone()[0]:
            conn.execute_native(f"ALTER FUNCTION {function} {SAFE_PATH}")
    for table in tables:
        name = sql.Identifier(table)
        run("GRANT SELECT ON {t} TO {everyone}", t=name, everyone=everyone)
        run("ALTER TABLE {t} ENABLE ROW LEVEL SECURITY", t=name)
        for policy in ("annotator_read", "annotator_owner", "annotator_coder_insert", "annotator_coder_update",
                       "annotator_coder_delete", "annotator_write"):
            run("DROP POLICY IF EXISTS {p} ON {t}", p=sql.Identifier(policy), t=name)
        run("CREATE POLICY annotator_read ON {t} FOR SELECT TO {everyone} USING (true)", t=name, everyone=everyone)
        if table == "changes":
            # The feed: anyone who writes adds rows, each under their own login; nobody rewrites it.
            # A coder's entries come only from the triggers (depth > 0), not from a statement of their own.
            run("GRANT INSERT ON {t} TO {owner}, {coder}", t=name, owner=ident["owner"], coder=ident["coder"])
            run("CREATE POLICY annotator_write ON {t} FOR INSERT TO {owner} WITH CHECK (login = current_user)",
                t=name, owner=ident["owner"])
            run("DROP POLICY IF EXISTS annotator_coder_feed ON {t}", t=name)
            run("CREATE POLICY annotator_coder_feed ON {t} FOR INSERT TO {coder} "
                "WITH CHECK (login = current_user AND pg_trigger_depth() > 0)", t=name, coder=ident["coder"])
            continue
        run("GRANT INSERT, UPDATE, DELETE ON {t} TO {owner}", t=name, owner=ident["owner"])
        run("CREATE POLICY annotator_owner ON {t} FOR ALL TO {owner} USING (true) WITH CHECK (true)",
            t=name, owner=ident["owner"])
        writes = _CODER_WRITES.get(table, ())
        if writes:
            run(f"GRANT {', '.join(writes)} ON {{t}} TO {{coder}}", t=name, coder=ident["coder"])
            check = sql.SQL(_CODER_NEW_ROWS[table])
            # Who may touch the row as it was is the guard trigger's to say, loudly; these check the new row.
            if "INSERT" in writes:
                run("CREATE POLICY annotator_coder_insert ON {t} FOR INSERT TO {coder} WITH CHECK ({c})",
                    t=name, coder=ident["coder"], c=check)
            if "UPDATE" in writes and table != "project_info":
                run("CREATE POLICY annotator_coder_update ON {t} FOR UPDATE TO {coder} USING (true) WITH CHECK ({c})",
                    t=name, coder=ident["coder"], c=check)
            if "DELETE" in writes:
                run("CREATE POLICY annotator_coder_delete ON {t} FOR DELETE TO {coder} USING (true)",
                    t=name, coder=ident["coder"])
        run("DROP TRIGGER IF EXISTS annotator_guard ON {t}", t=name)
        if table == "documents":
            columns = sql.SQL(", ").join(sql.Literal(c) for c in CODER_DOCUMENT_COLUMNS)
            run("CREATE TRIGGER annotator_guard BEFORE UPDATE ON {t} FOR EACH ROW "
                "EXECUTE FUNCTION annotator_guard({c})", t=name, c=columns)
        elif table in _OWN:
            run("CREATE TRIGGER annotator_guard BEFORE UPDATE OR DELETE ON {t} FOR EACH ROW "
                "EXECUTE FUNCTION annotator_guard({c})", t=name, c=sql.Literal(_OWN[table]))
    if not conn.execute_native("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]:
        run("GRANT {owner} TO CURRENT_USER WITH ADMIN OPTION", owner=ident["owner"])
    for role, name in groups.items():
        conn.execute_native("INSERT INTO project_info(key, value) VALUES (%s, %s) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (INFO_KEYS[role], name))
    return groups


def groups_of(conn) -> dict[str, str]:
    """The project's group roles as init recorded them (a database copied from another keeps its groups)."""
    rows = conn.execute_native("SELECT key, value FROM project_info WHERE key = ANY(%s)",
                               (list(INFO_KEYS.values()),)).fetchall()
    found = dict(rows)
    return {role: found[key] for role, key in INFO_KEYS.items() if key in found}


def role_of(conn) -> str | None:
    """This login's role in the project: 'owner', 'coder', 'viewer', or None for a project without roles."""
    if conn.execute_native("SELECT to_regproc('annotator_is_owner') IS NULL").fetchone()[0]:
        return None
    if conn.execute_native("SELECT annotator_is_owner()").fetchone()[0]:
        return "owner"
    groups = groups_of(conn)
    for role in ("coder", "viewer"):
        name = groups.get(role)
        if name and conn.execute_native(
                "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s) AND pg_has_role(current_user, %s, 'MEMBER')",
                (name, name)).fetchone()[0]:
            return role
    return "viewer"
