/**
 * A binary min-heap of numbers or strings (compared with `<`): the deterministic tie-break of
 * Kahn's topological sort (ids) and the incremental revalidation queue (topological positions).
 */
export class MinHeap<T extends number | string> {
  private readonly items: T[] = [];
  get size(): number {
    return this.items.length;
  }
  push(v: T): void {
    const a = this.items;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pv = a[p];
      if (pv === undefined || pv <= v) break;
      a[i] = pv;
      i = p;
    }
    a[i] = v;
  }
  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      let mv = last;
      const lv = a[l];
      const rv = a[r];
      if (lv !== undefined && lv < mv) {
        m = l;
        mv = lv;
      }
      if (rv !== undefined && rv < mv) {
        m = r;
        mv = rv;
      }
      if (m === i) break;
      a[i] = mv;
      i = m;
    }
    a[i] = last;
    return top;
  }
}
