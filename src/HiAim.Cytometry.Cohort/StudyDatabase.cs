using System.Globalization;
using HiAim.Cytometry.Panels;
using Microsoft.Data.Sqlite;

namespace HiAim.Cytometry.Cohort;

/// <summary>A sample as stored in <c>study.db</c>.</summary>
internal sealed record StoredSample(string File, string Sha256, string SettingsSha256, string Status, string? Error, int Events, IReadOnlyList<PopulationCount> Populations, IReadOnlyList<QcFlag> Flags)
{
    /// <summary>The reader's warnings for the file (code, byte offset, message), in the reader's order.</summary>
    public IReadOnlyList<Fcs.FcsWarning> ReadWarnings { get; init; } = [];
}

/// <summary>
/// The study database (SQLite, WAL): runs with provenance, and per sample its counts, placed gates (Gating-ML) and QC
/// flags. Each sample is written in its own transaction, so a killed run keeps every sample it finished.
/// Not thread-safe: the cohort run serialises calls.
/// </summary>
internal sealed class StudyDatabase : IDisposable
{
    /// <summary>2: read_warnings table; 3: qc_flags value and threshold (a version 1 or 2 database is upgraded in place).</summary>
    public const int SchemaVersion = 3;

    /// <summary>Warnings stored per sample; more are counted in one last row (a file with 300,000 duplicate keywords must not bloat the database).</summary>
    public const int MaxStoredWarnings = 100;

    /// <summary>Columns each table must have (a study.db from elsewhere with the same table names must be refused, not half-used).</summary>
    private static readonly (string Table, string[] Columns)[] Expected =
    [
        ("meta", ["key", "value"]),
        ("runs", ["run_id", "started_utc", "finished_utc", "status", "library_version", "panel", "gating", "strategy_sha256", "settings_sha256", "options", "threads", "files", "analyzed", "reused", "failed"]),
        ("samples", ["file", "path", "sha256", "settings_sha256", "run_id", "status", "error", "events", "beads_per_test", "volume_ul"]),
        ("populations", ["file", "ordinal", "population", "events", "pct_lymphocytes", "pct_parent", "per_ul"]),
        ("gates", ["file", "gating_ml"]),
        ("qc_flags", ["file", "ordinal", "check_name", "reason", "value", "threshold"]),
        ("read_warnings", ["file", "ordinal", "code", "offset", "message"]),
    ];

    private static readonly string[] Schema =
    [
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS runs (
          run_id INTEGER PRIMARY KEY, started_utc TEXT NOT NULL, finished_utc TEXT, status TEXT NOT NULL,
          library_version TEXT NOT NULL, panel TEXT NOT NULL, gating TEXT NOT NULL, strategy_sha256 TEXT NOT NULL,
          settings_sha256 TEXT NOT NULL, options TEXT NOT NULL, threads INTEGER NOT NULL,
          files INTEGER NOT NULL, analyzed INTEGER, reused INTEGER, failed INTEGER)
        """,
        """
        CREATE TABLE IF NOT EXISTS samples (
          file TEXT PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT, settings_sha256 TEXT, run_id INTEGER NOT NULL REFERENCES runs(run_id),
          status TEXT NOT NULL, error TEXT, events INTEGER, beads_per_test REAL, volume_ul REAL)
        """,
        """
        CREATE TABLE IF NOT EXISTS populations (
          file TEXT NOT NULL REFERENCES samples(file), ordinal INTEGER NOT NULL, population TEXT NOT NULL, events INTEGER NOT NULL,
          pct_lymphocytes REAL, pct_parent REAL, per_ul REAL, PRIMARY KEY (file, population))
        """,
        "CREATE TABLE IF NOT EXISTS gates (file TEXT PRIMARY KEY REFERENCES samples(file), gating_ml TEXT NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS read_warnings (
          file TEXT NOT NULL REFERENCES samples(file), ordinal INTEGER NOT NULL, code TEXT NOT NULL, offset INTEGER, message TEXT NOT NULL,
          PRIMARY KEY (file, ordinal))
        """,
        """
        CREATE TABLE IF NOT EXISTS qc_flags (
          file TEXT NOT NULL REFERENCES samples(file), ordinal INTEGER NOT NULL, check_name TEXT NOT NULL, reason TEXT NOT NULL,
          value REAL, threshold TEXT, PRIMARY KEY (file, ordinal))
        """,
    ];

    private readonly SqliteConnection _connection;

    public StudyDatabase(string path)
    {
        Path = path;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        try
        {
            Initialise(path);
        }
        catch
        {
            // Not a study database (or not SQLite): release the file before the error is reported.
            Dispose();
            throw;
        }
    }

    private void Initialise(string path)
    {
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL");
        Execute("PRAGMA synchronous=NORMAL");
        Execute("PRAGMA foreign_keys=ON");
        using (var tx = _connection.BeginTransaction())
        {
            foreach (var statement in Schema)
            {
                Execute(statement, tx);
            }

            var version = Scalar("SELECT value FROM meta WHERE key = 'schema_version'", tx);
            if (version as string is "1" or "2")
            {
                // Version 1 lacked the read_warnings table (created above), versions 1-2 the qc_flags value and threshold
                // (added here, empty for old rows); their samples are re-analysed anyway, as the settings hash includes the
                // library version.
                AddMissingColumns("qc_flags", [("value", "REAL"), ("threshold", "TEXT")], tx);
            }

            CheckTables(path, tx);
            if (version is null)
            {
                Execute($"INSERT INTO meta (key, value) VALUES ('schema_version', '{SchemaVersion}')", tx);
            }
            else if (version as string is "1" or "2")
            {
                Execute($"UPDATE meta SET value = '{SchemaVersion}' WHERE key = 'schema_version'", tx);
            }
            else if (version as string != SchemaVersion.ToString(CultureInfo.InvariantCulture))
            {
                throw new CohortException($"{path} has schema version {version}; this version of HiAim.Cytometry writes version {SchemaVersion}. Use a new output folder.");
            }

            tx.Commit();
        }
    }

    public string Path { get; }

    /// <summary>Adds the columns a table of an older schema lacks (ALTER TABLE ADD COLUMN: old rows get NULL).</summary>
    private void AddMissingColumns(string table, (string Name, string Type)[] columns, SqliteTransaction tx)
    {
        var have = Columns(table, tx);
        foreach (var (name, type) in columns.Where(c => !have.Contains(c.Name)))
        {
            Execute($"ALTER TABLE {table} ADD COLUMN {name} {type}", tx);
        }
    }

    /// <summary>The column names of a table (none when it does not exist).</summary>
    private HashSet<string> Columns(string table, SqliteTransaction tx)
    {
        var have = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
        cmd.Transaction = tx;
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            have.Add(r.GetString(0));
        }

        return have;
    }

    /// <summary>Refuses a database whose tables lack the columns this version uses (another program's study.db).</summary>
    private void CheckTables(string path, SqliteTransaction tx)
    {
        foreach (var (table, columns) in Expected)
        {
            var have = Columns(table, tx);
            var missing = columns.Where(c => !have.Contains(c)).ToList();
            if (missing.Count > 0)
            {
                throw new CohortException($"{path} is not a study database of hiaim count: its table '{table}' has no column {string.Join(", ", missing.Select(m => $"'{m}'"))}. Use a new output folder (or move that file away).");
            }
        }
    }

    /// <summary>Marks runs still 'running' as 'interrupted': called under the output folder's lock, so no such run is alive.</summary>
    /// <returns>How many runs were marked.</returns>
    public int MarkInterruptedRuns()
    {
        using var cmd = Command("UPDATE runs SET status = 'interrupted' WHERE status = 'running'");
        return cmd.ExecuteNonQuery();
    }

    /// <summary>Sets a value in the meta table (e.g. the sample sheet of the last run).</summary>
    public void SetMeta(string key, string value)
    {
        using var cmd = Command("INSERT INTO meta (key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value", ("$k", key), ("$v", value));
        cmd.ExecuteNonQuery();
    }

    /// <summary>A value of the meta table of the database at <paramref name="path"/>, read-only; null when absent or unreadable.</summary>
    public static string? ReadMeta(string path, string key)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT value FROM meta WHERE key = $k";
            cmd.Parameters.AddWithValue("$k", key);
            return cmd.ExecuteScalar() as string;
        }
        catch (SqliteException)
        {
            // Only used to improve a message: an unreadable database says nothing.
            return null;
        }
    }

    /// <summary>A value of the meta table, or null.</summary>
    public string? Meta(string key)
    {
        using var cmd = Command("SELECT value FROM meta WHERE key = $k", ("$k", key));
        return cmd.ExecuteScalar() as string;
    }

    public long StartRun(string libraryVersion, string panel, string gating, string strategySha256, string settingsSha256, string options, int threads, int files)
    {
        using var cmd = Command(
            "INSERT INTO runs (started_utc, status, library_version, panel, gating, strategy_sha256, settings_sha256, options, threads, files) VALUES ($t, 'running', $v, $p, $g, $s, $h, $o, $n, $f) RETURNING run_id",
            ("$t", Now()), ("$v", libraryVersion), ("$p", panel), ("$g", gating), ("$s", strategySha256), ("$h", settingsSha256), ("$o", options), ("$n", threads), ("$f", files));
        return (long)cmd.ExecuteScalar()!;
    }

    public void FinishRun(long runId, string status, int analyzed, int reused, int failed)
    {
        using var cmd = Command(
            "UPDATE runs SET finished_utc = $t, status = $s, analyzed = $a, reused = $r, failed = $f WHERE run_id = $id",
            ("$t", Now()), ("$s", status), ("$a", analyzed), ("$r", reused), ("$f", failed), ("$id", runId));
        cmd.ExecuteNonQuery();
    }

    /// <summary>Whether a sample is stored as analysed with this content and these settings.</summary>
    public bool IsCurrent(string file, string sha256, string settingsSha256)
    {
        using var cmd = Command("SELECT 1 FROM samples WHERE file = $f AND sha256 = $s AND settings_sha256 = $h AND status = 'ok'", ("$f", file), ("$s", sha256), ("$h", settingsSha256));
        return cmd.ExecuteScalar() is not null;
    }

    /// <summary>Replaces a sample's rows with an analysed result, in one transaction.</summary>
    public void SaveResult(long runId, string file, string path, string sha256, string settingsSha256, int events, TbnkResult result, string gatingMl, IReadOnlyList<Fcs.FcsWarning> warnings)
    {
        using var tx = _connection.BeginTransaction();
        Delete(file, tx);
        using (var cmd = Command(
            "INSERT INTO samples (file, path, sha256, settings_sha256, run_id, status, events, beads_per_test, volume_ul) VALUES ($f, $p, $s, $h, $r, 'ok', $e, $b, $v)",
            ("$f", file), ("$p", path), ("$s", sha256), ("$h", settingsSha256), ("$r", runId), ("$e", events), ("$b", result.BeadsPerTest), ("$v", result.SampleVolumeUl)))
        {
            cmd.Transaction = tx;
            cmd.ExecuteNonQuery();
        }

        using (var cmd = Command("INSERT INTO populations (file, ordinal, population, events, pct_lymphocytes, pct_parent, per_ul) VALUES ($f, $o, $p, $e, $l, $a, $u)"))
        {
            cmd.Transaction = tx;
            var ordinal = 0;
            foreach (var p in result.Populations)
            {
                Bind(cmd, ("$f", file), ("$o", ordinal++), ("$p", p.Name), ("$e", p.Events), ("$l", Real(p.PercentOfLymphocytes)), ("$a", Real(p.PercentOfParent)), ("$u", Real(p.CellsPerUl)));
                cmd.ExecuteNonQuery();
            }
        }

        using (var cmd = Command("INSERT INTO qc_flags (file, ordinal, check_name, reason, value, threshold) VALUES ($f, $o, $c, $r, $v, $t)"))
        {
            cmd.Transaction = tx;
            var ordinal = 0;
            foreach (var flag in result.Flags)
            {
                Bind(cmd, ("$f", file), ("$o", ordinal++), ("$c", flag.Check.ToString()), ("$r", flag.Reason), ("$v", flag.Value is { } v && double.IsFinite(v) ? v : null), ("$t", flag.Threshold));
                cmd.ExecuteNonQuery();
            }
        }

        using (var cmd = Command("INSERT INTO gates (file, gating_ml) VALUES ($f, $g)", ("$f", file), ("$g", gatingMl)))
        {
            cmd.Transaction = tx;
            cmd.ExecuteNonQuery();
        }

        using (var cmd = Command("INSERT INTO read_warnings (file, ordinal, code, offset, message) VALUES ($f, $o, $c, $b, $m)"))
        {
            cmd.Transaction = tx;
            for (var i = 0; i < Math.Min(warnings.Count, MaxStoredWarnings); i++)
            {
                var w = warnings[i];
                Bind(cmd, ("$f", file), ("$o", i), ("$c", w.Code), ("$b", w.Offset >= 0 ? w.Offset : null), ("$m", w.Message));
                cmd.ExecuteNonQuery();
            }

            if (warnings.Count > MaxStoredWarnings)
            {
                var more = warnings.Count - MaxStoredWarnings;
                Bind(cmd, ("$f", file), ("$o", MaxStoredWarnings), ("$c", "MORE"), ("$b", null), ("$m", string.Create(CultureInfo.InvariantCulture, $"{more} more warnings not stored")));
                cmd.ExecuteNonQuery();
            }
        }

        tx.Commit();
    }

    /// <summary>Replaces a sample's rows with a failure, in one transaction.</summary>
    public void SaveFailure(long runId, string file, string path, string? sha256, string error)
    {
        using var tx = _connection.BeginTransaction();
        Delete(file, tx);
        using (var cmd = Command(
            "INSERT INTO samples (file, path, sha256, run_id, status, error) VALUES ($f, $p, $s, $r, 'failed', $e)",
            ("$f", file), ("$p", path), ("$s", sha256), ("$r", runId), ("$e", error)))
        {
            cmd.Transaction = tx;
            cmd.ExecuteNonQuery();
        }

        tx.Commit();
    }

    /// <summary>The stored placed-gates Gating-ML of a sample, or null (failed, or a fixed strategy).</summary>
    public string? GatingMl(string file)
    {
        using var cmd = Command("SELECT gating_ml FROM gates WHERE file = $f", ("$f", file));
        return cmd.ExecuteScalar() is string xml && xml.Length > 0 ? xml : null;
    }

    /// <summary>Every stored sample with its path and placed gates, by file name.</summary>
    public List<StoredSampleInfo> Samples()
    {
        var list = new List<StoredSampleInfo>();
        using var cmd = Command("SELECT s.file, s.path, s.status, g.gating_ml FROM samples s LEFT JOIN gates g ON g.file = s.file ORDER BY s.file");
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var xml = r.IsDBNull(3) ? null : r.GetString(3);
            list.Add(new StoredSampleInfo(r.GetString(0), r.GetString(1), r.GetString(2) == "ok", string.IsNullOrEmpty(xml) ? null : xml));
        }

        return list;
    }

    /// <summary>A stored sample, or null.</summary>
    public StoredSample? Load(string file)
    {
        string sha, settings, status;
        string? error;
        int events;
        using (var cmd = Command("SELECT sha256, settings_sha256, status, error, events FROM samples WHERE file = $f", ("$f", file)))
        using (var r = cmd.ExecuteReader())
        {
            if (!r.Read())
            {
                return null;
            }

            sha = r.IsDBNull(0) ? string.Empty : r.GetString(0);
            settings = r.IsDBNull(1) ? string.Empty : r.GetString(1);
            status = r.GetString(2);
            error = r.IsDBNull(3) ? null : r.GetString(3);
            events = r.IsDBNull(4) ? 0 : r.GetInt32(4);
        }

        var populations = new List<PopulationCount>();
        using (var cmd = Command("SELECT population, events, pct_lymphocytes, pct_parent, per_ul FROM populations WHERE file = $f ORDER BY ordinal", ("$f", file)))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                populations.Add(new PopulationCount(r.GetString(0), r.GetInt32(1), Nan(r, 2), Nan(r, 3), Nan(r, 4)));
            }
        }

        var flags = new List<QcFlag>();
        using (var cmd = Command("SELECT check_name, reason, value, threshold FROM qc_flags WHERE file = $f ORDER BY ordinal", ("$f", file)))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                flags.Add(new QcFlag(Enum.Parse<QcCheck>(r.GetString(0)), r.GetString(1), r.IsDBNull(2) ? null : r.GetDouble(2), r.IsDBNull(3) ? null : r.GetString(3)));
            }
        }

        var warnings = new List<Fcs.FcsWarning>();
        using (var cmd = Command("SELECT code, offset, message FROM read_warnings WHERE file = $f ORDER BY ordinal", ("$f", file)))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                warnings.Add(new Fcs.FcsWarning(r.GetString(0), r.IsDBNull(1) ? -1 : r.GetInt64(1), r.GetString(2)));
            }
        }

        return new StoredSample(file, sha, settings, status, error, events, populations, flags) { ReadWarnings = warnings };
    }

    public void Dispose()
    {
        _connection.Dispose();
        // Release the file handles at once (tests and resumed runs reopen the database).
        SqliteConnection.ClearAllPools();
    }

    private static string Now() => DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private static double? Real(double value) => double.IsNaN(value) ? null : value;

    private static double Nan(SqliteDataReader r, int i) => r.IsDBNull(i) ? double.NaN : r.GetDouble(i);

    private void Delete(string file, SqliteTransaction tx)
    {
        foreach (var table in (string[])["populations", "qc_flags", "gates", "read_warnings", "samples"])
        {
            using var cmd = Command($"DELETE FROM {table} WHERE file = $f", ("$f", file));
            cmd.Transaction = tx;
            cmd.ExecuteNonQuery();
        }
    }

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        Bind(cmd, parameters);
        return cmd;
    }

    private static void Bind(SqliteCommand cmd, params (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            if (cmd.Parameters.Contains(name))
            {
                cmd.Parameters[name].Value = value ?? DBNull.Value;
            }
            else
            {
                cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }
        }
    }

    private void Execute(string sql, SqliteTransaction? tx = null)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        cmd.ExecuteNonQuery();
    }

    private object? Scalar(string sql, SqliteTransaction tx)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd.ExecuteScalar();
    }
}
