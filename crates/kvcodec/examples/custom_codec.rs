//! A custom codec: run-length encoding under application id 0x80, checked by the conformance
//! suite every backend passes. Run: `cargo run -p kvcodec --example custom_codec`
use std::sync::Arc;

use kvcodec::codec::{
    DecodeBound, read_u32_le_prefix as read_len, write_u32_le_prefix as write_len,
};
use kvcodec::{Codec, CodecId, Engine, Error};

/// Payload: u32 LE decoded length, then (run length 1..=255, byte) pairs.
struct Rle;

#[rustfmt::skip] // kept compact on purpose: the whole codec fits on one screen
impl Codec for Rle {
    fn id(&self) -> CodecId { CodecId(0x80) }
    fn name(&self) -> &str { "rle" }
    fn compress(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        write_len(self.id(), input.len(), out)?;
        let runs = input.chunk_by(|a, b| a == b).flat_map(|run| run.chunks(255));
        out.extend(runs.flat_map(|run| [run.len() as u8, run[0]]));
        Ok(())
    }
    fn declared_len(&self, payload: &[u8]) -> Result<Option<u64>, Error> {
        Ok(Some(read_len(self.id(), payload)?.0))
    }
    fn decompress(&self, input: &[u8], bound: DecodeBound, out: &mut Vec<u8>) -> Result<(), Error> {
        let (n, pairs) = read_len(self.id(), input)?;
        bound.check_declared(self.id(), n)?; // before allocating anything
        let start = out.len();
        for pair in pairs.chunks(2) {
            let &[count, byte] = pair else { return Err(Error::corrupt(self.id(), "odd input")) };
            if count == 0 || out.len() - start + usize::from(count) > n as usize {
                return Err(Error::corrupt(self.id(), "empty run, or runs overrun the length"));
            }
            out.resize(out.len() + usize::from(count), byte);
        }
        let found = (out.len() - start) as u64;
        if found == n { Ok(()) } else { Err(Error::LengthMismatch { codec: self.id(), expected: n, found }) }
    }
}

fn main() -> Result<(), Error> {
    kvcodec::conformance::check(&Rle);
    let engine = Engine::builder()
        .codec(Arc::new(Rle) as Arc<dyn Codec>)
        .build()?;
    let value = [vec![b'-'; 300], b"header".to_vec(), vec![0; 700]].concat();
    let stored = engine.encode(&value)?;
    println!(
        "{} bytes stored as {} ({:02x?}…)",
        value.len(),
        stored.len(),
        &stored[..5]
    );
    assert_eq!(engine.decode(&stored)?, value);
    Ok(())
}
