//! The `resp_parse` target's check: the wrapper's RESP command parser.

use std::ops::Range;

use kvcodec_redis::resp::{parse_commands, write_command};

/// `parse_commands` on arbitrary bytes: never panics, returns in-bounds, ordered argument
/// ranges, and re-packing the commands with `write_command` is never longer and parses to the
/// same arguments.
pub fn check_resp_parse(data: &[u8]) {
    let Ok(commands) = parse_commands(data) else { return };
    let ranges = commands.iter().flatten();
    ranges.fold(0, |end, r| {
        assert!(end <= r.start && r.start <= r.end, "{r:?} starts before {end}");
        r.end
    });
    let args = arguments(data, &commands);
    let mut packed = Vec::new();
    args.iter().for_each(|command| write_command(command, &mut packed));
    // Lengths are written without leading zeros, so re-packing never grows the input.
    assert!(packed.len() <= data.len(), "{} > {}", packed.len(), data.len());
    let again = parse_commands(&packed).expect("re-packed commands parse");
    assert_eq!(arguments(&packed, &again), args);
}

fn arguments<'a>(packed: &'a [u8], commands: &[Vec<Range<usize>>]) -> Vec<Vec<&'a [u8]>> {
    let arg = |r: &Range<usize>| packed.get(r.clone()).expect("range in bounds");
    commands.iter().map(|c| c.iter().map(arg).collect()).collect()
}
