/** Append-only typed arrays that double when full, so a streamed import never holds JS objects per event. */
export class GrowableInt32 {
  array = new Int32Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.array.length) {
      const next = new Int32Array(this.array.length * 2);
      next.set(this.array);
      this.array = next;
    }
    this.array[this.length++] = value;
  }
  /** Appends all values, each through `map` when given (negative keys, such as NULL_KEY, stay). */
  appendAll(values: Int32Array, map?: Int32Array): void {
    const needed = this.length + values.length;
    if (needed > this.array.length) {
      const next = new Int32Array(Math.max(needed, this.array.length * 2));
      next.set(this.array.subarray(0, this.length));
      this.array = next;
    }
    if (map === undefined) this.array.set(values, this.length);
    else for (let i = 0; i < values.length; i++) this.array[this.length + i] = values[i] < 0 ? values[i] : map[values[i]];
    this.length = needed;
  }
  view(): Int32Array {
    return this.array.subarray(0, this.length);
  }
}

export class GrowableFloat64 {
  array = new Float64Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.array.length) {
      const next = new Float64Array(this.array.length * 2);
      next.set(this.array);
      this.array = next;
    }
    this.array[this.length++] = value;
  }
  appendAll(values: Float64Array): void {
    const needed = this.length + values.length;
    if (needed > this.array.length) {
      const next = new Float64Array(Math.max(needed, this.array.length * 2));
      next.set(this.array.subarray(0, this.length));
      this.array = next;
    }
    this.array.set(values, this.length);
    this.length = needed;
  }
  view(): Float64Array {
    return this.array.subarray(0, this.length);
  }
}
