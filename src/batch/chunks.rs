//! Census records read a chunk at a time: rows read into the chunk's one block of text
//! ([`RowBlock`]), cut into records one per row, or one per run of consecutive rows with the
//! same value in the group column.
//!
//! Invariants: a record is a run of rows of its chunk's block, or a row that cannot be read;
//! a group still open when a chunk is full goes whole into the next chunk (its rows carried
//! over, moved without copying when they are the whole block); rows past
//! [`MAX_MEMBERS`](crate::request::MAX_MEMBERS) in one group are not kept, and the group is
//! an error at the first of them; a blank row (the group column aside) is no record.

use std::io::{Read, Seek};
use std::ops::Range;

use super::Problem;
use crate::census::{CensusReader, RowBlock, RowRef};

/// A census record: a run of rows of its chunk's block, or a problem found while reading
/// (its row and what).
#[derive(Clone, Debug)]
pub enum CensusItem {
    Rows(Range<usize>),
    Bad(usize, Problem),
}

/// Records read together: their rows, and the records as runs of those rows.
#[derive(Debug, Default)]
pub struct CensusChunk {
    pub block: RowBlock,
    pub items: Vec<CensusItem>,
}

impl CensusChunk {
    /// The rows of a record.
    pub fn rows(
        &self,
        rows: &Range<usize>,
    ) -> impl ExactSizeIterator<Item = RowRef<'_>> + Clone + '_ {
        self.block.rows(rows.clone())
    }
}

/// A census read into chunks of records.
pub struct Chunker<R> {
    reader: CensusReader<R>,
    /// The group column (0-based); none for one record per row.
    column: Option<usize>,
    header: Vec<String>,
    /// The group being read: its first row in the block being filled, and the row where it
    /// went over the limit.
    open: Option<(usize, Option<usize>)>,
    /// The rows of the group open when the last chunk was handed over.
    carry: RowBlock,
    finished: bool,
}

impl<R: Read + Seek> Chunker<R> {
    /// Reads `reader`'s rows one record per row, or grouped by census column `column`.
    pub fn new(mut reader: CensusReader<R>, column: Option<usize>) -> Chunker<R> {
        // Problems in a row are reported by row and column.
        reader.without_positions();
        Chunker {
            header: reader.header().to_vec(),
            reader,
            column,
            open: None,
            carry: RowBlock::default(),
            finished: false,
        }
    }

    /// Bytes of the census read so far.
    pub fn offset(&self) -> u64 {
        self.reader.offset()
    }

    /// Empties `chunk` (keeping its memory) and reads the next records into it: until it
    /// holds `records` records or `members` rows, the census ends, or `stop` says so.
    /// `false` once nothing is left to read.
    pub fn fill(
        &mut self,
        chunk: &mut CensusChunk,
        records: usize,
        members: usize,
        stop: impl Fn() -> bool,
    ) -> std::io::Result<bool> {
        chunk.items.clear();
        chunk.block.clear();
        chunk.block.append(&mut self.carry);
        let mut read = 0usize;
        while !self.finished && chunk.items.len() < records && read < members && !stop() {
            match self.reader.next_row_into(&mut chunk.block)? {
                None => {
                    self.finished = true;
                    self.close(chunk, chunk.block.len());
                }
                Some(Err(e)) => {
                    self.close(chunk, chunk.block.len());
                    let problem = super::row_error(&self.header, &e);
                    chunk.items.push(CensusItem::Bad(e.row, problem));
                    read += 1;
                }
                Some(Ok(())) => {
                    let i = chunk.block.len() - 1;
                    if self.is_blank(chunk.block.row(i)) {
                        chunk.block.truncate(i);
                        continue;
                    }
                    read += 1;
                    self.add(chunk, i);
                }
            }
        }
        if let Some((first, _)) = &mut self.open {
            // A group open from the chunk's first row takes the whole block with it.
            if *first == 0 {
                std::mem::swap(&mut chunk.block, &mut self.carry);
            } else {
                self.carry.take_rows(&mut chunk.block, *first);
            }
            *first = 0;
        }
        Ok(!(chunk.items.is_empty() && self.finished))
    }

    /// Whether every cell is empty (the group column aside).
    fn is_blank(&self, row: RowRef<'_>) -> bool {
        row.iter()
            .enumerate()
            .all(|(i, c)| Some(i) == self.column || crate::census::is_blank(c))
    }

    /// Takes row `i` of the block, the last one read, into a record.
    fn add(&mut self, chunk: &mut CensusChunk, i: usize) {
        let Some(col) = self.column else {
            chunk.items.push(CensusItem::Rows(i..i + 1));
            return;
        };
        let key = |r: usize| {
            let cell = chunk.block.row(r).get(col);
            cell.map(crate::census::trim).unwrap_or_default()
        };
        match &mut self.open {
            Some((first, over)) if key(*first) == key(i) => {
                if i - *first >= crate::request::MAX_MEMBERS {
                    over.get_or_insert(chunk.block.row(i).row);
                    chunk.block.truncate(i);
                }
            }
            _ => {
                self.close(chunk, i);
                self.open = Some((i, None));
            }
        }
    }

    /// Ends the group being read at row `end` of the block.
    fn close(&mut self, chunk: &mut CensusChunk, end: usize) {
        let Some((first, over)) = self.open.take() else {
            return;
        };
        chunk.items.push(match over {
            Some(row) => CensusItem::Bad(
                row,
                Problem {
                    field: None,
                    message: format!(
                        "more than {} members in one group",
                        crate::request::MAX_MEMBERS
                    ),
                },
            ),
            None => CensusItem::Rows(first..end),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `text` read in chunks of at most `records` records and `members` rows:
    /// each as its rows' numbers and first cells, or the row of a problem.
    fn records(
        text: &str,
        column: Option<usize>,
        records: usize,
        members: usize,
    ) -> Vec<Result<Vec<(usize, String)>, usize>> {
        let reader = CensusReader::new(std::io::Cursor::new(text.as_bytes()), None)
            .unwrap_or_else(|_| panic!("the header reads"));
        let mut chunker = Chunker::new(reader, column);
        let mut chunk = CensusChunk::default();
        let mut out = Vec::new();
        while chunker
            .fill(&mut chunk, records, members, || false)
            .unwrap()
        {
            for item in &chunk.items {
                out.push(match item {
                    CensusItem::Rows(r) => Ok(chunk
                        .rows(r)
                        .map(|row| (row.row, row.get(0).unwrap_or_default().to_string()))
                        .collect()),
                    CensusItem::Bad(row, _) => Err(*row),
                });
            }
        }
        out
    }

    #[test]
    fn groups_are_whole_whatever_the_chunk_size() {
        let text = "name,company\na,X\nb,X\n,\n\nc,X\nd,Y\n\"e,Z\ne2,Z\nf,Z\ng, Z \n";
        let want = vec![
            Ok(vec![(2, "a".into()), (3, "b".into()), (6, "c".into())]),
            Ok(vec![(7, "d".into())]),
            // The unclosed quote at row 8 is an error; reading goes on at row 9.
            Err(8),
            Ok(vec![(9, "e2".into()), (10, "f".into()), (11, "g".into())]),
        ];
        for (most, members) in [(1, 1), (1, 100), (100, 1), (2, 2), (100, 100)] {
            assert_eq!(
                records(text, Some(1), most, members),
                want,
                "{most} {members}"
            );
        }
        let one = |row: usize, name: &str| Ok(vec![(row, name.to_string())]);
        assert_eq!(
            records(text, None, 3, 3),
            vec![
                one(2, "a"),
                one(3, "b"),
                one(6, "c"),
                one(7, "d"),
                Err(8),
                one(9, "e2"),
                one(10, "f"),
                one(11, "g"),
            ]
        );
    }

    #[test]
    fn a_group_over_the_limit_is_an_error_at_its_first_row_over() {
        let most = crate::request::MAX_MEMBERS;
        let mut text = String::with_capacity(most * 5 + 32);
        text.push_str("name,company\n");
        for _ in 0..=most {
            text.push_str("a,X\n");
        }
        text.push_str("b,Y\n");
        let got = records(&text, Some(1), 4096, 16_384);
        assert_eq!(got, vec![Err(most + 2), Ok(vec![(most + 3, "b".into())])]);
    }
}
