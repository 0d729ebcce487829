-- Writes that must be one transaction, as functions PostgREST exposes under /rpc (a REST client cannot hold
-- a transaction open across requests). SECURITY INVOKER: the caller's row-level security applies.

CREATE OR REPLACE FUNCTION mudrock_put_log(log jsonb, curves jsonb) RETURNS void
LANGUAGE plpgsql SECURITY INVOKER AS $$
BEGIN
    INSERT INTO logs (project_id, well_id, log_id, sha256, source_file, rows)
    SELECT mudrock_project(), l.well_id, l.log_id, l.sha256, l.source_file, l.rows
    FROM jsonb_to_record(log) AS l(well_id text, log_id text, sha256 text, source_file text, rows bigint)
    ON CONFLICT (project_id, well_id, log_id) DO UPDATE SET sha256 = excluded.sha256,
        source_file = excluded.source_file, rows = excluded.rows;
    INSERT INTO curves (project_id, well_id, log_id, mnemonic, unit, family, min, max)
    SELECT mudrock_project(), c.well_id, c.log_id, c.mnemonic, c.unit, c.family, c.min, c.max
    FROM jsonb_to_recordset(curves) AS c(well_id text, log_id text, mnemonic text, unit text, family text,
        min double precision, max double precision)
    ON CONFLICT (project_id, well_id, log_id, mnemonic) DO UPDATE SET unit = excluded.unit,
        family = excluded.family, min = excluded.min, max = excluded.max;
END
$$;

CREATE OR REPLACE FUNCTION mudrock_replace_tops(well_id text, source text, tops jsonb) RETURNS void
LANGUAGE plpgsql SECURITY INVOKER AS $$
BEGIN
    DELETE FROM tops t WHERE t.project_id = mudrock_project() AND t.well_id = mudrock_replace_tops.well_id
        AND t.source = mudrock_replace_tops.source;
    INSERT INTO tops (project_id, well_id, name, md, source)
    SELECT mudrock_project(), mudrock_replace_tops.well_id, x.name, x.md, mudrock_replace_tops.source
    FROM jsonb_to_recordset(tops) AS x(name text, md double precision);
END
$$;

GRANT EXECUTE ON FUNCTION mudrock_put_log(jsonb, jsonb) TO mudrock_app;
GRANT EXECUTE ON FUNCTION mudrock_replace_tops(text, text, jsonb) TO mudrock_app;
