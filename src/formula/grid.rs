//! Values by row and column in one buffer: the members' step values and premiums of a
//! rating, one row per member, without a vector per member.
//!
//! Invariant: every row has the same number of columns; `grid[r]` is row `r` (a slice), and a
//! row past the end is `None` from [`Grid::get`] (indexing past it panics, as a slice does).

use super::Value;

/// A row-major grid of `rows × cols` values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grid<T> {
    rows: usize,
    cols: usize,
    cells: Vec<T>,
}

impl<T: Copy> Grid<T> {
    /// `rows` rows of `cols` values, each `fill`.
    pub fn new(rows: usize, cols: usize, fill: T) -> Grid<T> {
        Grid {
            rows,
            cols,
            cells: vec![fill; rows * cols],
        }
    }

    /// [`Grid::new`] in the memory of `cells` (its values dropped): see [`Grid::into_cells`].
    pub fn new_in(mut cells: Vec<T>, rows: usize, cols: usize, fill: T) -> Grid<T> {
        cells.clear();
        cells.resize(rows * cols, fill);
        Grid { rows, cols, cells }
    }

    /// The grid's values row after row, and their memory for another grid.
    pub fn into_cells(self) -> Vec<T> {
        self.cells
    }

    fn span(&self, r: usize) -> std::ops::Range<usize> {
        r * self.cols..(r + 1) * self.cols
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Row `r`, when there is one.
    pub fn get(&self, r: usize) -> Option<&[T]> {
        (r < self.len()).then(|| &self.cells[self.span(r)])
    }

    /// The first row.
    pub fn first(&self) -> Option<&[T]> {
        self.get(0)
    }

    /// The value in row `r`, column `c`: `grid[r][c]` with one bounds check. Panics past the
    /// grid, as indexing does.
    #[inline]
    pub fn cell(&self, r: usize, c: usize) -> T {
        assert!(
            c < self.cols,
            "column {c} of a grid of {} columns",
            self.cols
        );
        self.cells[r * self.cols + c]
    }

    /// Sets the value in row `r`, column `c`: `grid[r][c] = v` with one bounds check. Panics
    /// past the grid, as indexing does.
    #[inline]
    pub fn set(&mut self, r: usize, c: usize, v: T) {
        assert!(
            c < self.cols,
            "column {c} of a grid of {} columns",
            self.cols
        );
        self.cells[r * self.cols + c] = v;
    }

    /// The rows in order.
    pub fn iter(&self) -> impl Iterator<Item = &[T]> + '_ {
        (0..self.len()).map(|r| &self.cells[self.span(r)])
    }
}

impl<T: Copy> std::ops::Index<usize> for Grid<T> {
    type Output = [T];
    fn index(&self, r: usize) -> &[T] {
        assert!(r < self.len(), "row {r} of a grid of {} rows", self.rows);
        &self.cells[self.span(r)]
    }
}

impl<T: Copy> std::ops::IndexMut<usize> for Grid<T> {
    fn index_mut(&mut self, r: usize) -> &mut [T] {
        assert!(r < self.len(), "row {r} of a grid of {} rows", self.rows);
        let span = self.span(r);
        &mut self.cells[span]
    }
}

/// Rows of values a formula reads by member: the members' inputs or their step values.
pub trait Rows {
    /// The number of rows (members).
    fn count(&self) -> usize;
    /// Row `r`, when there is one.
    fn row(&self, r: usize) -> Option<&[Value]>;
}

impl Rows for [Vec<Value>] {
    fn count(&self) -> usize {
        self.len()
    }
    fn row(&self, r: usize) -> Option<&[Value]> {
        self.get(r).map(Vec::as_slice)
    }
}

impl Rows for Grid<Value> {
    fn count(&self) -> usize {
        self.len()
    }
    fn row(&self, r: usize) -> Option<&[Value]> {
        self.get(r)
    }
}

/// No rows: for a frame that reads no member.
pub const NO_ROWS: &[Vec<Value>] = &[];

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn rows_are_slices_of_the_one_buffer() {
        let mut g = Grid::new(3, 2, Decimal::ZERO);
        g[1][0] = Decimal::ONE;
        g[2][1] = Decimal::TWO;
        assert_eq!(g.len(), 3);
        assert_eq!(g[1], [Decimal::ONE, Decimal::ZERO]);
        assert_eq!(g.get(2), Some(&[Decimal::ZERO, Decimal::TWO][..]));
        assert_eq!(g.get(3), None);
        let flat: Vec<Decimal> = g.iter().flatten().copied().collect();
        assert_eq!(flat.len(), 6);
        assert_eq!(flat.iter().sum::<Decimal>(), Decimal::from(3));
        g.set(0, 1, Decimal::TEN);
        assert_eq!(g.cell(0, 1), g[0][1]);
        assert_eq!(g.cell(0, 1), Decimal::TEN);
        for r in 0..3 {
            for c in 0..2 {
                assert_eq!(g.cell(r, c), g[r][c]);
            }
        }
        let past = std::panic::catch_unwind(|| Grid::new(3, 2, Decimal::ZERO).cell(0, 2));
        assert!(past.is_err(), "a column past the grid is not another row's");
        let none: Grid<Decimal> = Grid::new(0, 4, Decimal::ZERO);
        assert!(none.is_empty() && none.first().is_none() && none.iter().next().is_none());
        let no_cols: Grid<Decimal> = Grid::new(2, 0, Decimal::ZERO);
        assert_eq!(no_cols.get(1), Some(&[][..]));
    }
}
