//! [`Transaction`]: MULTI … EXEC bookkeeping that follows what the server actually did.
//!
//! Inside MULTI the server answers each command with `QUEUED` and returns all the replies at
//! EXEC, so the wrapper must remember, per queued command, how to decode its reply. The state
//! changes only on evidence from the server:
//!
//! | reply to | reply | state after |
//! |---|---|---|
//! | MULTI | `OK` | in a transaction, nothing queued |
//! | MULTI | an error (NOPERM; "nested" on Redis 7, where the transaction stays open) | unchanged |
//! | a command, in a transaction | `QUEUED` | its reply shape queued |
//! | a command, in a transaction | an error | unchanged (not queued) |
//! | a command, in a transaction | anything else (the connection reconnected: the server holds no transaction) | no transaction; the reply is decoded by the command's shape |
//! | EXEC, DISCARD | anything, errors included | no transaction |
//! | anything | a transport error | no transaction |
//!
//! Replies a pipeline hides from the caller (redis-rs skips MULTI's and the queued commands'
//! replies of an atomic pipeline) are taken to be what the command asks for.

use redis::Value;

use crate::table::ReplyShape;

/// What a sent command is to the transaction bookkeeping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// MULTI.
    Multi,
    /// EXEC.
    Exec,
    /// DISCARD.
    Discard,
    /// Any other command, with the shape of its own reply.
    Command(ReplyShape),
}

/// How to decode one reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decode {
    /// By this shape.
    Shape(ReplyShape),
    /// An EXEC reply: one shape per queued command, or `None` if the wrapper saw no MULTI
    /// succeed (a transaction opened around it).
    Exec(Option<Vec<ReplyShape>>),
}

impl Decode {
    /// Nothing to decode.
    pub(crate) const NONE: Decode = Decode::Shape(ReplyShape::None);
}

/// The open transaction, if any: the reply shapes of the commands queued so far.
#[derive(Debug, Clone, Default)]
pub(crate) struct Transaction {
    queued: Option<Vec<ReplyShape>>,
}

impl Transaction {
    /// `true` while the server holds a transaction for this connection, as far as its replies
    /// tell.
    pub(crate) fn is_open(&self) -> bool {
        self.queued.is_some()
    }

    /// The server answered `role` with `reply`: update the state, and say how to decode it.
    pub(crate) fn on_reply(&mut self, role: Role, reply: &Value) -> Decode {
        let answer = match reply {
            Value::ServerError(_) => Answer::Error,
            Value::SimpleString(s) if s.eq_ignore_ascii_case("QUEUED") => Answer::Queued,
            _ => Answer::Reply,
        };
        self.on_answer(role, answer)
    }

    fn on_answer(&mut self, role: Role, answer: Answer) -> Decode {
        let error = answer == Answer::Error;
        match role {
            Role::Multi => {
                if !error && self.queued.is_none() {
                    self.queued = Some(Vec::new());
                }
                Decode::NONE
            }
            Role::Exec => Decode::Exec(self.queued.take()),
            Role::Discard => {
                self.queued = None;
                Decode::NONE
            }
            Role::Command(shape) => match &mut self.queued {
                Some(queued) if answer == Answer::Queued => {
                    queued.push(shape);
                    Decode::NONE
                }
                Some(_) if error => Decode::NONE,
                Some(_) => {
                    // A real reply: the server is not in a transaction (it reconnected).
                    self.queued = None;
                    Decode::Shape(shape)
                }
                None => Decode::Shape(shape),
            },
        }
    }

    /// The server answered `role` with an error (a whole-call `Err`): update the state.
    pub(crate) fn on_error(&mut self, role: Role, err: &redis::RedisError) {
        if is_transport_error(err) {
            self.queued = None;
        } else {
            self.on_answer(role, Answer::Error);
        }
    }

    /// A reply the caller does not see: assume `role` did what it asks for.
    pub(crate) fn on_hidden(&mut self, role: Role) {
        match role {
            Role::Multi => {
                self.queued.get_or_insert_with(Vec::new);
            }
            Role::Exec | Role::Discard => self.queued = None,
            Role::Command(shape) => {
                if let Some(queued) = &mut self.queued {
                    queued.push(shape);
                }
            }
        }
    }

    /// The connection failed or was replaced: no transaction survives it.
    pub(crate) fn reset(&mut self) {
        self.queued = None;
    }
}

/// What kind of answer a reply is, for the bookkeeping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// `QUEUED`.
    Queued,
    /// An error reply.
    Error,
    /// Anything else.
    Reply,
}

/// `true` unless the server itself answered with this error: an I/O failure, a timeout, a
/// dropped or refused connection, or anything the client raised.
pub(crate) fn is_transport_error(err: &redis::RedisError) -> bool {
    !matches!(
        err.kind(),
        redis::ErrorKind::Server(_) | redis::ErrorKind::Extension
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queued() -> Value {
        Value::SimpleString("QUEUED".into())
    }

    /// A server error reply, as redis-rs parses one.
    fn error() -> Value {
        let mut parser = redis::Parser::new();
        parser.parse_value(&b"-ERR nope\r\n"[..]).unwrap()
    }

    #[test]
    fn follows_the_server() {
        let get = Role::Command(ReplyShape::Value);
        let mut tx = Transaction::default();
        // MULTI refused (NOPERM): GET is decoded by its shape.
        tx.on_reply(Role::Multi, &error());
        assert_eq!(
            tx.on_reply(get, &Value::Nil),
            Decode::Shape(ReplyShape::Value)
        );
        // MULTI, GET queued, nested MULTI refused (Redis 7 keeps the transaction), GET queued.
        tx.on_reply(Role::Multi, &Value::Okay);
        assert_eq!(tx.on_reply(get, &queued()), Decode::NONE);
        tx.on_reply(Role::Multi, &error());
        assert_eq!(tx.on_reply(get, &queued()), Decode::NONE);
        let exec = tx.on_reply(Role::Exec, &Value::Array(vec![]));
        assert_eq!(exec, Decode::Exec(Some(vec![ReplyShape::Value; 2])));
        assert!(!tx.is_open());
        // A real reply inside MULTI: the connection was replaced.
        tx.on_reply(Role::Multi, &Value::Okay);
        let decode = tx.on_reply(get, &Value::BulkString(b"v".to_vec()));
        assert_eq!(decode, Decode::Shape(ReplyShape::Value));
        assert!(!tx.is_open());
        // A refused queued command is not queued; EXEC (even an error) ends the transaction.
        tx.on_reply(Role::Multi, &Value::Okay);
        tx.on_reply(get, &error());
        assert_eq!(
            tx.on_reply(Role::Exec, &error()),
            Decode::Exec(Some(vec![]))
        );
        assert!(!tx.is_open());
        // A transport error ends it too.
        tx.on_reply(Role::Multi, &Value::Okay);
        let io = redis::RedisError::from(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        tx.on_error(get, &io);
        assert!(!tx.is_open());
    }

    #[test]
    fn hidden_replies_are_assumed() {
        let mut tx = Transaction::default();
        tx.on_hidden(Role::Multi);
        tx.on_hidden(Role::Command(ReplyShape::Values));
        assert_eq!(
            tx.on_reply(Role::Exec, &Value::Nil),
            Decode::Exec(Some(vec![ReplyShape::Values]))
        );
    }
}
