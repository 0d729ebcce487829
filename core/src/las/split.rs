//! One long data section read on several cores. The text after the line being read is cut at line starts
//! into stretches; other threads read the later stretches by the data path's fast path (clean numeric
//! rows) while this thread reads the first one through the parser as usual. Each stretch is then appended
//! in order, and from the line where its thread had to stop (a row that needs the tolerant path, a
//! section title, a line past the limit) this thread reads on line by line. The result is what reading
//! every line here gives — the same rows, warnings and errors, with the same line numbers — and a stretch
//! that cannot be appended as it is (the data section ended before it, or turned to text) is read again
//! here.

use std::num::NonZeroUsize;

use super::data::FastRows;
use super::input::SliceLines;

/// How a file held in memory is read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Split {
    /// Threads for one data section, this one included.
    pub threads: usize,
    /// The least text a stretch is worth a thread for: below it the thread's start and the copy of its
    /// rows cost more than it saves.
    pub min_stretch: usize,
}

impl Split {
    /// One thread per core, and stretches of at least 8 MiB (a 5 MB file is read by one thread; a
    /// directory of them keeps the cores busy with a file each). On wasm32 threads cannot start: one.
    pub(crate) fn for_this_machine() -> Self {
        Self {
            threads: std::thread::available_parallelism().map_or(1, NonZeroUsize::get),
            min_stretch: 8 << 20,
        }
    }

    /// `rest` is long enough to cut into at least two stretches.
    #[inline]
    pub(crate) fn worth_cutting(&self, rest: usize) -> bool {
        self.threads > 1 && rest / 2 >= self.min_stretch
    }

    /// How many stretches `rest` is cut into (1: not cut).
    pub(crate) fn parts(&self, rest: usize) -> usize {
        self.threads.min(rest / self.min_stretch.max(1)).max(1)
    }
}

/// Where the stretches after the first start, and where the last one ends: `parts - 1` cut points of
/// about equal spacing, each just after a `\n` (a line start whatever the file's terminators), then the
/// text's length. Fewer when the text has too few `\n` to cut at.
pub(crate) fn cut(text: &[u8], parts: usize) -> Vec<usize> {
    let mut cuts: Vec<usize> = Vec::with_capacity(parts);
    for i in 1..parts {
        let at = text.len() / parts * i;
        let from = cuts.last().map_or(at, |&last| at.max(last));
        let Some(nl) = text.get(from..).and_then(|t| memchr::memchr(b'\n', t)) else {
            break;
        };
        let start = from + nl + 1;
        if start < text.len() {
            cuts.push(start);
        }
    }
    cuts.push(text.len());
    cuts
}

/// What a thread read of one stretch.
pub(crate) struct Stretch {
    pub rows: FastRows,
    /// Bytes of the stretch its rows (and the blank and comment lines among them) came from.
    pub consumed: usize,
    /// Lines of the stretch they came from.
    pub lines: usize,
}

/// Reads a stretch (lines numbered from 1) until its end or the first line the fast path cannot take.
pub(crate) fn read_stretch(mut rows: FastRows, text: &[u8], max_line: usize) -> Stretch {
    rows.reserve(memchr::memchr_iter(b'\n', text).count());
    let mut lines = SliceLines::new(text, max_line);
    let (mut consumed, mut counted) = (0, 0);
    // A line past the limit ends the stretch too: the parser meets it again and refuses it.
    while let Ok(Some((no, raw))) = lines.next_line() {
        let taken = match raw.iter().find(|b| !b.is_ascii_whitespace()) {
            None | Some(b'#') => true,
            Some(b'~') => false,
            Some(_) => rows.line(no, raw),
        };
        if !taken {
            break;
        }
        consumed = lines.pos();
        counted = no;
    }
    Stretch {
        rows,
        consumed,
        lines: counted,
    }
}

#[cfg(test)]
thread_local! {
    /// Stretches appended on this thread: the tests check that a long section was read in parts.
    pub(crate) static APPENDED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::las::ReadLimits;
    use crate::las::reader::{read_sized, read_slice};

    /// The reader's answer as text, so that NaN cells compare equal.
    fn read_in_stretches(text: &[u8], threads: usize) -> (String, usize) {
        APPENDED.with(|n| n.set(0));
        let split = Split {
            threads,
            min_stretch: 1,
        };
        let got = format!("{:?}", read_slice(text, ReadLimits::DEFAULT, split));
        (got, APPENDED.with(std::cell::Cell::get))
    }

    fn read_line_by_line(text: &[u8]) -> String {
        format!("{:?}", read_sized(text, Some(text.len()), ReadLimits::DEFAULT))
    }

    fn las(null: bool, rows: &[String], after: &str, eol: &str) -> Vec<u8> {
        let mut t = vec![
            "~VERSION INFORMATION".to_string(),
            " VERS.   2.0 : CWLS LOG ASCII STANDARD".to_string(),
            " WRAP.   NO  :".to_string(),
            "~WELL INFORMATION".to_string(),
            " STRT.M  100.0 :".to_string(),
            " STOP.M  150.0 :".to_string(),
            " STEP.M  0.5 :".to_string(),
        ];
        if null {
            t.push(" NULL.   -999.25 :".to_string());
        }
        t.extend(
            [
                "~CURVE INFORMATION",
                " DEPT.M : depth",
                " GR.GAPI : gamma",
                " RHOB.G/C3 : density",
                "~A",
            ]
            .map(String::from),
        );
        t.extend(rows.iter().cloned());
        if !after.is_empty() {
            t.push(after.to_string());
        }
        (t.join(eol) + eol).into_bytes()
    }

    #[test]
    fn a_long_clean_section_is_appended_in_stretches_with_the_lines_of_its_warnings() {
        // Irregular steps and comment lines in every stretch: their warning names the first one's line.
        let mut rows = Vec::new();
        for i in 0..3000 {
            let depth = 100.0 + 0.5 * f64::from(i) + if i % 700 == 699 { 0.25 } else { 0.0 };
            rows.push(format!("{depth} {} {}", 40 + i % 50, 2.3));
            if i % 500 == 7 {
                rows.push("# a comment".to_string());
                rows.push(String::new());
            }
        }
        for eol in ["\n", "\r\n"] {
            let text = las(true, &rows, "", eol);
            let want = read_line_by_line(&text);
            assert!(want.contains("IrregularStep"), "{want}");
            for threads in [2, 3, 5] {
                let (got, appended) = read_in_stretches(&text, threads);
                assert_eq!(got, want, "threads {threads}, eol {eol:?}");
                // On wasm32 no thread starts: this one reads every stretch, with the same result.
                let started = if cfg!(target_arch = "wasm32") {
                    0
                } else {
                    threads - 1
                };
                assert_eq!(appended, started, "threads {threads}");
            }
        }
    }

    #[test]
    fn a_step_broken_at_any_row_is_warned_about_at_its_line() {
        // One row off its step, at every row in turn: on either side of a seam, at the seam itself, in a
        // stretch whose rows before it are regular.
        for k in 2..60 {
            let rows: Vec<String> = (0..60)
                .map(|i| {
                    let depth = 100.0 + 0.5 * f64::from(i) + if i == k { 0.25 } else { 0.0 };
                    format!("{depth} 50 2.4")
                })
                .collect();
            let text = las(true, &rows, "", "\n");
            let want = read_line_by_line(&text);
            assert!(want.contains("IrregularStep"), "{want}");
            for threads in 2..6 {
                let (got, appended) = read_in_stretches(&text, threads);
                assert_eq!(got, want, "row {k}, threads {threads}");
                assert!(
                    appended > 0 || cfg!(target_arch = "wasm32"),
                    "row {k}, threads {threads}"
                );
            }
        }
    }

    #[test]
    fn a_stretch_that_meets_a_section_title_or_a_bad_row_is_read_on_here() {
        let mut rows: Vec<String> = (0..400)
            .map(|i| format!("{} 50 2.4", 100.0 + 0.5 * f64::from(i)))
            .collect();
        rows[250] = "101.5 word 2.4".to_string();
        rows[300] = "250 -999.25".to_string();
        let text = las(false, &rows, "~OTHER\nfree text", "\n");
        let want = read_line_by_line(&text);
        for threads in 2..6 {
            assert_eq!(read_in_stretches(&text, threads).0, want, "threads {threads}");
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[derive(Debug, Clone)]
    enum Row {
        Clean(u8),
        Null,
        StandardNull,
        Blank,
        Comment,
        Words,
        Short,
        Long,
        Title,
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn row() -> impl proptest::strategy::Strategy<Value = Row> {
        use proptest::prelude::*;
        prop_oneof![
            20 => any::<u8>().prop_map(Row::Clean),
            1 => Just(Row::Null),
            1 => Just(Row::StandardNull),
            1 => Just(Row::Blank),
            1 => Just(Row::Comment),
            1 => Just(Row::Words),
            1 => Just(Row::Short),
            1 => Just(Row::Long),
            1 => Just(Row::Title),
        ]
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// Whatever the data holds, reading it in stretches gives what reading it line by line gives:
        /// the same rows, warnings (with their lines) and errors.
        #[test]
        fn stretches_read_as_lines_do(
            kinds in proptest::collection::vec(row(), 0..120),
            null in proptest::bool::ANY,
            eol in proptest::sample::select(vec!["\n", "\r\n", "\r"]),
            threads in 2usize..5,
        ) {
            let mut depth = 100.0;
            let rows: Vec<String> = kinds
                .iter()
                .map(|k| {
                    depth += 0.5;
                    match k {
                        Row::Clean(v) if *v > 250 => format!("{} {v} 2.5", depth + 0.2),
                        Row::Clean(v) => format!("{depth} {v} 2.5"),
                        Row::Null => format!("{depth} -999.25 2.5"),
                        Row::StandardNull => format!("{depth} -9999 2.5"),
                        Row::Blank => String::new(),
                        Row::Comment => "# note".to_string(),
                        Row::Words => "no data here".to_string(),
                        Row::Short => format!("{depth} 7"),
                        Row::Long => format!("{depth} 7 2.5 9"),
                        Row::Title => "~Parameter".to_string(),
                    }
                })
                .collect();
            let text = las(null, &rows, "", eol);
            proptest::prop_assert_eq!(read_in_stretches(&text, threads).0, read_line_by_line(&text));
        }
    }

    #[test]
    fn cuts_fall_after_a_newline_and_end_the_text() {
        let text = b"1 2\r\n3 4\r\n5 6\r\n7 8\r\n";
        let cuts = cut(text, 3);
        assert_eq!(cuts.last(), Some(&text.len()));
        for &c in &cuts[..cuts.len() - 1] {
            assert_eq!(text[c - 1], b'\n', "{cuts:?}");
        }
        assert!(cuts.windows(2).all(|w| w[0] < w[1]), "{cuts:?}");
        // No newline to cut at: one stretch.
        assert_eq!(cut(b"1 2\r3 4\r", 4), vec![8]);
        assert_eq!(cut(b"", 2), vec![0]);
    }
}
