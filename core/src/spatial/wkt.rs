//! Search areas from WKT: `POLYGON ((lon lat, …), (hole …))` and `MULTIPOLYGON (((…)), ((…)))`,
//! keywords in any case, with an optional `Z`, `M` or `ZM` tag (extra ordinates are read and ignored) and
//! an optional EWKT `SRID=4326;` prefix. Errors name the character (1-based) where the text went wrong.
//!
//! Written here rather than taken from the `wkt` crate: its errors carry no position, and the
//! subset a search area needs is a small grammar.

use super::error::{Problem, SpatialError};
use super::geometry::{MultiPolygon, Point, Polygon, Ring};

/// Parses a WKT POLYGON or MULTIPOLYGON into the area it covers.
pub fn parse_wkt(text: &str) -> Result<MultiPolygon, SpatialError> {
    let mut parser = Parser {
        chars: text.chars().collect(),
        pos: 0,
        ordinates: None,
    };
    let area = parser.area()?;
    parser.expect_end()?;
    Ok(area)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    Comma,
    Semicolon,
    Equals,
    Word(String),
    Number(f64),
    End,
    Other(char),
}

impl Token {
    fn describe(&self, chars: &[char], start: usize, end: usize) -> String {
        match self {
            Token::End => "the end of the text".to_owned(),
            Token::Word(w) => format!("the word {w:?}"),
            _ => format!("{:?}", chars[start..end].iter().collect::<String>()),
        }
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    /// Numbers per position fixed by a Z/M/ZM tag; `None` when untagged (2 to 4 accepted).
    ordinates: Option<usize>,
}

fn at(pos: usize) -> String {
    format!("WKT character {}", pos + 1)
}

impl Parser {
    fn skip_space(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    /// The next token without consuming it: (token, start, end).
    fn peek(&mut self) -> (Token, usize, usize) {
        self.skip_space();
        let start = self.pos;
        let Some(&c) = self.chars.get(start) else {
            return (Token::End, start, start);
        };
        let single = |t| (t, start, start + 1);
        match c {
            '(' => single(Token::Open),
            ')' => single(Token::Close),
            ',' => single(Token::Comma),
            ';' => single(Token::Semicolon),
            '=' => single(Token::Equals),
            c if c.is_ascii_alphabetic() => {
                let mut end = start;
                while self.chars.get(end).is_some_and(char::is_ascii_alphabetic) {
                    end += 1;
                }
                let word = self.chars[start..end]
                    .iter()
                    .collect::<String>()
                    .to_ascii_uppercase();
                (Token::Word(word), start, end)
            }
            c if c.is_ascii_digit() || matches!(c, '+' | '-' | '.') => {
                let mut end = start + 1;
                while let Some(&c) = self.chars.get(end) {
                    let exponent_sign =
                        matches!(c, '+' | '-') && matches!(self.chars.get(end - 1), Some('e' | 'E'));
                    if c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E') || exponent_sign {
                        end += 1;
                    } else {
                        break;
                    }
                }
                let text: String = self.chars[start..end].iter().collect();
                match text.parse::<f64>() {
                    Ok(x) => (Token::Number(x), start, end),
                    Err(_) => (Token::Other(c), start, end),
                }
            }
            other => single(Token::Other(other)),
        }
    }

    fn next(&mut self) -> (Token, usize, usize) {
        let t = self.peek();
        self.pos = t.2;
        t
    }

    fn syntax(&self, expected: &'static str, token: &(Token, usize, usize)) -> SpatialError {
        SpatialError::new(
            at(token.1),
            Problem::Syntax {
                expected,
                found: token.0.describe(&self.chars, token.1, token.2),
            },
        )
    }

    fn expect(&mut self, want: Token, expected: &'static str) -> Result<usize, SpatialError> {
        let t = self.next();
        if t.0 == want {
            Ok(t.1)
        } else {
            Err(self.syntax(expected, &t))
        }
    }

    fn expect_end(&mut self) -> Result<(), SpatialError> {
        self.expect(Token::End, "the end of the text").map(|_| ())
    }

    fn area(&mut self) -> Result<MultiPolygon, SpatialError> {
        let mut t = self.next();
        if t.0 == Token::Word("SRID".to_owned()) {
            self.expect(Token::Equals, "'=' after SRID")?;
            let srid = self.next();
            match srid.0 {
                Token::Number(4326.0) => {}
                Token::Number(n) => {
                    return Err(SpatialError::new(
                        at(srid.1),
                        Problem::UnsupportedCrs(format!("SRID={n}")),
                    ));
                }
                _ => return Err(self.syntax("an SRID number", &srid)),
            }
            self.expect(Token::Semicolon, "';' after the SRID")?;
            t = self.next();
        }
        let multi = match &t.0 {
            Token::Word(w) if w == "POLYGON" => false,
            Token::Word(w) if w == "MULTIPOLYGON" => true,
            Token::Word(_) => {
                return Err(SpatialError::new(
                    at(t.1),
                    Problem::WrongType {
                        expected: "POLYGON or MULTIPOLYGON",
                        found: t.0.describe(&self.chars, t.1, t.2),
                    },
                ));
            }
            _ => return Err(self.syntax("POLYGON or MULTIPOLYGON", &t)),
        };
        let mut t = self.peek();
        if let Token::Word(tag) = &t.0 {
            self.ordinates = match tag.as_str() {
                "Z" | "M" => Some(3),
                "ZM" => Some(4),
                "EMPTY" => return Err(SpatialError::new(at(t.1), Problem::Empty)),
                _ => return Err(self.syntax("'(', Z, M, ZM or EMPTY", &t)),
            };
            self.next();
            t = self.peek();
            if t.0 == Token::Word("EMPTY".to_owned()) {
                return Err(SpatialError::new(at(t.1), Problem::Empty));
            }
        }
        let polygons = if multi {
            self.expect(Token::Open, "'(' opening the list of polygons")?;
            let mut polygons = Vec::new();
            loop {
                polygons.push(self.polygon(polygons.len() + 1)?);
                if self.list_continues("',' or ')' after a polygon")? {
                    continue;
                }
                break polygons;
            }
        } else {
            vec![self.polygon(1)?]
        };
        MultiPolygon::new(polygons).ok_or_else(|| SpatialError::new(at(t.1), Problem::Empty))
    }

    /// After a list item: `true` for a comma (another item follows), `false` for the closing parenthesis.
    fn list_continues(&mut self, expected: &'static str) -> Result<bool, SpatialError> {
        let t = self.next();
        match t.0 {
            Token::Comma => Ok(true),
            Token::Close => Ok(false),
            _ => Err(self.syntax(expected, &t)),
        }
    }

    fn polygon(&mut self, number: usize) -> Result<Polygon, SpatialError> {
        self.expect(Token::Open, "'(' opening a polygon's rings")?;
        let mut rings = Vec::new();
        loop {
            let start = self.peek().1;
            let points = self.ring_points()?;
            let which = match rings.len() {
                0 => "exterior ring".to_owned(),
                n => format!("hole {n}"),
            };
            let ring = Ring::new(points).map_err(|problem| {
                SpatialError::new(format!("{} (polygon {number}, {which})", at(start)), problem)
            })?;
            rings.push(ring);
            if !self.list_continues("',' or ')' after a ring")? {
                break;
            }
        }
        let exterior = rings.remove(0);
        Ok(Polygon::new(exterior, rings))
    }

    fn ring_points(&mut self) -> Result<Vec<Point>, SpatialError> {
        self.expect(Token::Open, "'(' opening a ring")?;
        let mut points = Vec::new();
        loop {
            points.push(self.position()?);
            if !self.list_continues("',' or ')' after a position")? {
                return Ok(points);
            }
        }
    }

    fn position(&mut self) -> Result<Point, SpatialError> {
        let start = self.peek().1;
        let mut numbers = Vec::with_capacity(4);
        while let (Token::Number(x), _, _) = self.peek() {
            self.next();
            numbers.push(x);
        }
        if numbers.is_empty() {
            let t = self.peek();
            return Err(self.syntax("a position (longitude latitude)", &t));
        }
        if numbers.len() < 2 {
            // Say what stopped the position (`1 x`, `1 NaN`) rather than only that it is short.
            let t = self.peek();
            if !matches!(t.0, Token::Comma | Token::Close) {
                return Err(self.syntax("a number", &t));
            }
        }
        let count_ok = match self.ordinates {
            Some(n) => numbers.len() == n,
            None => (2..=4).contains(&numbers.len()),
        };
        if !count_ok {
            return Err(SpatialError::new(at(start), Problem::PositionSize(numbers.len())));
        }
        Point::new(numbers[0], numbers[1]).map_err(|problem| SpatialError::new(at(start), problem))
    }
}
