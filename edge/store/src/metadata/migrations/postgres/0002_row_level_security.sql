-- Row-level isolation per project: the store's sessions run as `mudrock_app` (no BYPASSRLS, not the
-- tables' owner), so these policies hold for every statement it sends — a query that forgets its
-- `WHERE project_id = …` still sees only its own project.
-- Roles belong to the cluster, not the database: two databases migrated at once (or one already done)
-- both try to create it, so "already there" — reported either way by PostgreSQL — is not a failure.
DO $$
BEGIN
    CREATE ROLE mudrock_app NOLOGIN NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;

-- The migrating role switches to mudrock_app for every transaction of the store (SET LOCAL ROLE).
GRANT mudrock_app TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO mudrock_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON projects, wells, wellbores, logs, curves, tops, ingests,
    pipeline_executions TO mudrock_app;

-- The caller's project: set by the store (`mudrock.project`), or, behind PostgREST, the `mudrock_project`
-- claim of the request's JWT (PostgREST exposes the claims as `request.jwt.claims`).
CREATE OR REPLACE FUNCTION mudrock_project() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        nullif(current_setting('mudrock.project', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')::json ->> 'mudrock_project'
    )
$$;
GRANT EXECUTE ON FUNCTION mudrock_project() TO mudrock_app;

ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE wells ENABLE ROW LEVEL SECURITY;
ALTER TABLE wellbores ENABLE ROW LEVEL SECURITY;
ALTER TABLE logs ENABLE ROW LEVEL SECURITY;
ALTER TABLE curves ENABLE ROW LEVEL SECURITY;
ALTER TABLE tops ENABLE ROW LEVEL SECURITY;
ALTER TABLE ingests ENABLE ROW LEVEL SECURITY;
ALTER TABLE pipeline_executions ENABLE ROW LEVEL SECURITY;

CREATE POLICY project_rows ON projects TO mudrock_app
    USING (project_id = mudrock_project())
    WITH CHECK (project_id = mudrock_project());
CREATE POLICY project_rows ON wells TO mudrock_app
    USING (project_id = mudrock_project())
    WITH CHECK (project_id = mudrock_project());
CREATE POLICY project_rows ON wellbores TO mudrock_app
    USING (project_id = mudrock_project())
    WITH CHECK (project_id = mudrock_project());
CREATE POLICY project_rows ON logs TO mudrock_app
    USING (project_id = mudrock_project())
    WITH CHECK (project_id = mudrock_project());
CREATE POLICY project_rows ON curves TO mudrock_app
    USING (project_id = mudrock_project())
    WITH CHECK (project_id = mudrock_project());
CREATE POLICY project_rows ON tops TO mudrock_app
    USING (project_id = mudrock_project())
    WITH CHECK (project_id = mudrock_project());
CREATE POLICY project_rows ON ingests TO mudrock_app
    USING (project_id = mudrock_project())
    WITH CHECK (project_id = mudrock_project());
CREATE POLICY project_rows ON pipeline_executions TO mudrock_app
    USING (project_id = mudrock_project())
    WITH CHECK (project_id = mudrock_project());
