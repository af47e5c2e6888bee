//! The boundary being drawn: its vertices (an open ring), the selected one, and the steps to
//! undo. Plain data, so the editing rules are tested without a browser.

/// One state of the drawing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Drawing {
    /// [lon, lat], open (the closing point is added when saved).
    pub vertices: Vec<[f64; 2]>,
    /// Index of the selected vertex: a tap adds the new vertex after it.
    pub selected: Option<usize>,
}

impl Drawing {
    /// From a stored closed ring: the closing point dropped, nothing selected.
    pub fn from_ring(ring: &[[f64; 2]]) -> Drawing {
        let mut vertices = ring.to_vec();
        if vertices.len() > 1 && vertices.first() == vertices.last() {
            vertices.pop();
        }
        Drawing {
            vertices,
            selected: None,
        }
    }

    /// A tap on the map: a vertex after the selected one (at the end when none is), which
    /// becomes the selected one, so taps in a row draw in order.
    pub fn add(&mut self, p: [f64; 2]) {
        let at = match self.selected {
            Some(i) if i < self.vertices.len() => i + 1,
            _ => self.vertices.len(),
        };
        self.vertices.insert(at, p);
        self.selected = Some(at);
    }

    /// A dragged vertex lands at `p` and is selected.
    pub fn move_to(&mut self, i: usize, p: [f64; 2]) {
        if let Some(v) = self.vertices.get_mut(i) {
            *v = p;
            self.selected = Some(i);
        }
    }

    /// Removes the selected vertex; the one before it is selected next (so a run of removals
    /// walks back along the boundary).
    pub fn remove_selected(&mut self) {
        let Some(i) = self.selected.filter(|&i| i < self.vertices.len()) else {
            return;
        };
        self.vertices.remove(i);
        self.selected = if self.vertices.is_empty() {
            None
        } else {
            Some(i.checked_sub(1).unwrap_or(self.vertices.len() - 1))
        };
    }

    /// The closed ring to save.
    pub fn ring(&self) -> Vec<[f64; 2]> {
        let mut ring = self.vertices.clone();
        if let Some(first) = ring.first().copied() {
            ring.push(first);
        }
        ring
    }
}

/// The drawing with its undo steps.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    pub now: Drawing,
    past: Vec<Drawing>,
}

/// Undo steps kept (a long session of small drags).
const UNDO_STEPS: usize = 100;

impl History {
    pub fn new(start: Drawing) -> History {
        History {
            now: start,
            past: Vec::new(),
        }
    }

    /// Applies a change as one undoable step (a change that changes nothing is no step).
    pub fn change(&mut self, f: impl FnOnce(&mut Drawing)) {
        let before = self.now.clone();
        f(&mut self.now);
        if self.now.vertices != before.vertices {
            self.past.push(before);
            if self.past.len() > UNDO_STEPS {
                self.past.remove(0);
            }
        }
    }

    /// Selecting is not a step of its own.
    pub fn select(&mut self, i: Option<usize>) {
        self.now.selected = i.filter(|&i| i < self.now.vertices.len());
    }

    pub fn can_undo(&self) -> bool {
        !self.past.is_empty()
    }

    pub fn undo(&mut self) {
        if let Some(before) = self.past.pop() {
            self.now = before;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: [f64; 2] = [121.0, 31.0];
    const B: [f64; 2] = [121.1, 31.0];
    const C: [f64; 2] = [121.1, 31.1];
    const D: [f64; 2] = [121.0, 31.1];

    #[test]
    fn taps_draw_in_order_and_insert_after_the_selected_vertex() {
        let mut d = Drawing::default();
        for p in [A, B, C] {
            d.add(p);
        }
        assert_eq!(d.vertices, vec![A, B, C]);
        assert_eq!(d.selected, Some(2));
        d.selected = Some(0);
        d.add(D);
        assert_eq!(d.vertices, vec![A, D, B, C]);
        assert_eq!(d.selected, Some(1));
        assert_eq!(d.ring(), vec![A, D, B, C, A]);
    }

    #[test]
    fn removing_walks_back_and_ends_with_nothing_selected() {
        let mut d = Drawing::from_ring(&[A, B, C, A]);
        assert_eq!(d.vertices, vec![A, B, C]);
        d.remove_selected();
        assert_eq!(d.vertices.len(), 3, "nothing selected, nothing removed");
        d.selected = Some(0);
        d.remove_selected();
        assert_eq!((d.vertices.clone(), d.selected), (vec![B, C], Some(1)));
        d.remove_selected();
        d.remove_selected();
        assert_eq!((d.vertices.len(), d.selected), (0, None));
        assert_eq!(d.ring(), Vec::<[f64; 2]>::new());
    }

    #[test]
    fn undo_steps_back_over_changes_not_selections() {
        let mut h = History::new(Drawing::from_ring(&[A, B, C, A]));
        assert!(!h.can_undo());
        h.select(Some(1));
        assert!(!h.can_undo());
        h.change(|d| d.move_to(1, D));
        h.change(|d| d.add(B));
        assert_eq!(h.now.vertices, vec![A, D, B, C]);
        h.undo();
        assert_eq!(h.now.vertices, vec![A, D, C]);
        h.undo();
        assert_eq!(h.now.vertices, vec![A, B, C]);
        assert!(!h.can_undo());
        h.select(Some(9));
        assert_eq!(h.now.selected, None, "no such vertex");
    }
}
