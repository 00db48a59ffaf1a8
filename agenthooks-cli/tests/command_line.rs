//! The command line of `agenthooks`: help, version, and exit code 2 for a
//! wrong command line or a log that cannot be read.

mod support;

use support::agenthooks;

#[test]
fn every_command_has_help_that_lists_the_exit_codes() {
    for args in [&["--help"][..], &["audit", "--help"], &["audit", "verify", "--help"], &["audit", "tail", "--help"]] {
        let run = agenthooks(args);
        assert_eq!(run.code, 0, "{args:?}: {run:?}");
        assert!(run.stdout.contains("Usage: agenthooks"), "{args:?}: {}", run.stdout);
        for code in ["0  success", "1  `audit verify` only: the chain is broken", "2  the log cannot be read"] {
            assert!(run.stdout.contains(code), "{args:?} lacks `{code}`: {}", run.stdout);
        }
    }
    let tail = agenthooks(&["audit", "tail", "--help"]).stdout;
    for option in [
        "-n <N>",
        "--follow",
        "--json",
        "--point <P>",
        "--hook <H>",
        "--tenant <T>",
        "--status <S>",
        "--since <TIME>",
        "--until <TIME>",
        "AGENTHOOKS_AUDIT_PATH",
    ] {
        assert!(tail.contains(option), "`audit tail --help` lacks `{option}`: {tail}");
    }
    let verify = agenthooks(&["audit", "verify", "--help"]).stdout;
    assert!(verify.contains("--allow-torn-tail") && verify.contains("AGENTHOOKS_AUDIT_PATH"), "{verify}");
}

#[test]
fn version_prints_the_package_version() {
    let run = agenthooks(&["--version"]);
    assert_eq!((run.code, run.stdout.trim()), (0, concat!("agenthooks ", env!("CARGO_PKG_VERSION"))), "{run:?}");
}

#[test]
fn a_wrong_command_line_exits_2_saying_what_is_wrong() {
    let cases: [(&[&str], &str); 8] = [
        (&[], "Usage: agenthooks"),
        (&["audit", "check"], "unrecognized subcommand 'check'"),
        (&["audit", "tail", "-n", "many", "log"], "invalid value 'many' for '-n <N>'"),
        (&["audit", "tail", "--status", "blocke", "log"], "[possible values: ok, blocked, skip, timeout, error]"),
        (
            &["audit", "tail", "--since", "yesterday", "log"],
            "expected an RFC 3339 UTC time such as `2025-05-01T12:00:00Z`",
        ),
        (&["audit", "tail", "--until", "2025-05-01T12:00:00+02:00", "log"], "give the time in UTC"),
        (&["audit", "tail", "--tenant", "", "log"], "an empty value matches no record"),
        (&["audit", "verify", "--allow-torn", "log"], "unexpected argument '--allow-torn'"),
    ];
    for (args, says) in cases {
        let run = agenthooks(args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stderr.contains(says), "{args:?} should say `{says}`: {}", run.stderr);
    }
}

#[test]
fn an_empty_time_range_is_refused() {
    let run = agenthooks(&["audit", "tail", "--since", "2025-05-01", "--until", "2025-05-01T00:00:00Z", "log"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("`--since` must be before `--until`"), "{}", run.stderr);
}

#[test]
fn a_log_that_cannot_be_read_exits_2() {
    let missing = "/no/such/dir/audit.jsonl";
    for args in [
        &["audit", "verify", missing][..],
        &["audit", "tail", missing],
        &["audit", "tail", "--tenant", "acme", missing],
        &["audit", "tail", "-f", missing],
    ] {
        let run = agenthooks(args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stderr.contains(&format!("cannot read `{missing}`")), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
}
