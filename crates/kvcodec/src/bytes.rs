//! `Bytes` in and out of an [`Engine`] (feature `bytes`), for tokio, axum and hyper code that
//! already holds values as [`bytes::Bytes`].
//!
//! A value stored plain, and a plain value read back, are returned as the very `Bytes` given —
//! same allocation, no copy; only compressing or decoding allocates.

use bytes::Bytes;

use crate::{Decoded, Encoded, Engine, Error};

impl Engine {
    /// [`encode_outcome`](Engine::encode_outcome) for `Bytes`: the stored form, or `value`
    /// itself (no copy) when it is stored plain.
    ///
    /// ```
    /// use bytes::Bytes;
    ///
    /// let config = kvcodec::Config { enabled: true, ..Default::default() };
    /// let engine = config.build(&[&kvcodec_zstd::BACKEND])?;
    /// let small = Bytes::from_static(b"short");
    /// assert_eq!(engine.encode_bytes(small.clone())?.as_ptr(), small.as_ptr()); // not copied
    /// let doc = Bytes::from(br#"{"user":"ada","roles":["admin"]}"#.repeat(20));
    /// let stored = engine.encode_bytes(doc.clone())?;
    /// assert_eq!(engine.decode_bytes(stored)?, doc);
    /// # Ok::<(), kvcodec::Error>(())
    /// ```
    pub fn encode_bytes(&self, value: Bytes) -> Result<Bytes, Error> {
        Ok(match self.encode_outcome(&value)? {
            Encoded::Compressed(stored) => Bytes::from(stored),
            Encoded::Plain(_) => value,
        })
    }

    /// [`decode`](Engine::decode) for `Bytes`: the original, or `stored` itself (no copy) when
    /// it is plain or returned as stored.
    pub fn decode_bytes(&self, stored: Bytes) -> Result<Bytes, Error> {
        Ok(match self.decode_outcome(&stored)? {
            Decoded::Decompressed(plain) => Bytes::from(plain),
            Decoded::Plain | Decoded::ReturnedAsStored(_) => stored,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Codec, CodecId, codec::DecodeBound};

    /// Stores the value after its length: enough to exercise both paths.
    struct Copy;

    impl Codec for Copy {
        fn id(&self) -> CodecId {
            CodecId(0x80)
        }
        fn name(&self) -> &str {
            "copy"
        }
        fn compress(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
            out.extend_from_slice(&input[..input.len() / 2]);
            Ok(())
        }
        fn declared_len(&self, _: &[u8]) -> Result<Option<u64>, Error> {
            Ok(None)
        }
        fn decompress(&self, p: &[u8], _: DecodeBound, out: &mut Vec<u8>) -> Result<(), Error> {
            out.extend_from_slice(p);
            out.extend_from_slice(p);
            Ok(())
        }
    }

    #[test]
    fn plain_values_are_not_copied() {
        let engine = Engine::builder()
            .codec(std::sync::Arc::new(Copy) as std::sync::Arc<dyn Codec>)
            .build()
            .unwrap();
        let small = Bytes::from(vec![b'x'; 10]);
        let out = engine.encode_bytes(small.clone()).unwrap();
        assert_eq!(out.as_ptr(), small.as_ptr());
        let back = engine.decode_bytes(small.clone()).unwrap();
        assert_eq!(back.as_ptr(), small.as_ptr());
        let big = Bytes::from(vec![b'y'; 200]);
        let stored = engine.encode_bytes(big.clone()).unwrap();
        assert_eq!(stored.len(), 105);
        assert_eq!(engine.decode_bytes(stored).unwrap(), big);
    }
}
