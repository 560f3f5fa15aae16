import type {Key} from 'ink';
import {describe, expect, test} from 'vitest';
import {plainKey, splitChunk} from '../../screens/components/keys.js';
import {accessScreenReducer, initialAccessScreenState} from '../../screens/access-state.js';
import {cycle} from '../../screens/app-state.js';
import {findingLines} from '../../screens/components/finding-lines.js';
import {
  focusAt,
  formFocusReducer,
  visibleFocus,
  type RowKind,
} from '../../screens/components/form-focus.js';
import {windowAround} from '../../screens/components/scroll.js';
import {applyEdit, textEditFor} from '../../screens/components/text-edit.js';
import {wrapWords} from '../../screens/components/text.js';
import {errorMessage, initialReviewState, reviewReducer} from '../../screens/review-state.js';

const noKey: Key = plainKey;

describe('wrapWords', () => {
  test('wraps at word boundaries and cuts words longer than a line', () => {
    expect(wrapWords('the quick brown fox', 10)).toEqual(['the quick', 'brown fox']);
    expect(wrapWords('abcdefghijkl xy', 5)).toEqual(['abcde', 'fghij', 'kl xy']);
    expect(wrapWords('', 10)).toEqual(['']);
  });

  test('a finding wraps under its ✗ or ! prefix', () => {
    const lines = findingLines(
      {code: 'x', severity: 'error', message: 'one two three four', field: 'vip'},
      12,
    );
    expect(lines).toEqual(['✗ one two', '  three four']);
    expect(findingLines({code: 'x', severity: 'warning', message: 'hi'}, 12)).toEqual(['! hi']);
  });
});

describe('windowAround', () => {
  test('shows everything when it fits', () => {
    expect(windowAround(3, 5, 10)).toEqual({start: 0, end: 5});
  });

  test('keeps the cursor visible and the window full at both ends', () => {
    expect(windowAround(0, 10_000, 16)).toEqual({start: 0, end: 16});
    expect(windowAround(100, 10_000, 16)).toEqual({start: 92, end: 108});
    expect(windowAround(9_999, 10_000, 16)).toEqual({start: 9_984, end: 10_000});
  });
});

describe('text edits', () => {
  test('insert, backspace, clear', () => {
    expect(applyEdit('10.0', {kind: 'insert', text: '.1'})).toBe('10.0.1');
    expect(applyEdit('10.0', {kind: 'backspace'})).toBe('10.');
    expect(applyEdit('', {kind: 'backspace'})).toBe('');
    expect(applyEdit('10.0', {kind: 'clear'})).toBe('');
  });

  test('keys map to edits; navigation keys are not edits; pastes lose control characters', () => {
    expect(textEditFor('a', noKey)).toEqual({kind: 'insert', text: 'a'});
    expect(textEditFor('', {...noKey, delete: true})).toEqual({kind: 'backspace'});
    expect(textEditFor('u', {...noKey, ctrl: true})).toEqual({kind: 'clear'});
    expect(textEditFor('', {...noKey, tab: true})).toBeUndefined();
    expect(textEditFor('', {...noKey, escape: true, meta: true})).toBeUndefined();
    expect(textEditFor('', {...noKey, upArrow: true})).toBeUndefined();
    expect(textEditFor('10.0\r\n.1\u001b', noKey)).toEqual({kind: 'insert', text: '10.0.1'});
  });
});

describe('formFocusReducer', () => {
  const kinds: RowKind[] = ['text', 'choice', 'text', 'action'];

  test('arriving on a text row edits it; Esc leaves it; Enter edits again', () => {
    let focus = focusAt(0, kinds);
    expect(focus).toEqual({row: 0, editing: true});
    focus = formFocusReducer(focus, {type: 'move', delta: 1, kinds});
    expect(focus).toEqual({row: 1, editing: false});
    focus = formFocusReducer(focus, {type: 'move', delta: 1, kinds});
    expect(focus).toEqual({row: 2, editing: true});
    focus = formFocusReducer(focus, {type: 'leave'});
    expect(focus).toEqual({row: 2, editing: false});
    expect(formFocusReducer(focus, {type: 'edit', kinds})).toEqual({row: 2, editing: true});
  });

  test('arrows stop at the ends, Tab wraps around', () => {
    const last = focusAt(3, kinds);
    expect(formFocusReducer(last, {type: 'move', delta: 1, kinds})).toEqual(last);
    expect(formFocusReducer(last, {type: 'move', delta: 1, wrap: true, kinds})).toEqual({
      row: 0,
      editing: true,
    });
    expect(
      formFocusReducer(focusAt(0, kinds), {type: 'move', delta: -1, wrap: true, kinds}).row,
    ).toBe(3);
  });

  test('a row that disappeared is drawn as the last remaining one', () => {
    expect(visibleFocus({row: 3, editing: false}, ['text', 'choice'])).toEqual({
      row: 1,
      editing: false,
    });
  });
});

describe('accessScreenReducer', () => {
  test('opening a host focuses its first field; closing returns to the list, not editing', () => {
    const kinds: RowKind[] = ['text', 'choice', 'item', 'action'];
    let state = initialAccessScreenState(kinds);
    state = accessScreenReducer(state, {type: 'main', action: {type: 'focus', row: 2, kinds}});
    state = accessScreenReducer(state, {type: 'open-host', id: 'n1', kinds: ['text', 'choice']});
    expect(state.host).toEqual({id: 'n1', focus: {row: 0, editing: true}});
    state = accessScreenReducer(state, {type: 'close-host', row: 2});
    expect(state).toEqual({main: {row: 2, editing: false}, host: undefined, picking: false});
  });
});

describe('reviewReducer', () => {
  test('Tab cycles documents and resets the scroll; scrolling is bounded', () => {
    let state = reviewReducer(initialReviewState, {type: 'scroll', delta: 5, max: 3});
    expect(state.scroll).toBe(3);
    state = reviewReducer(state, {type: 'cycle-document', delta: 1, count: 3});
    expect(state).toMatchObject({document: 1, scroll: 0});
    state = reviewReducer(state, {type: 'cycle-document', delta: -2, count: 3});
    expect(state.document).toBe(2);
    expect(reviewReducer(state, {type: 'scroll', delta: -1, max: 9}).scroll).toBe(0);
  });

  test('the write flow: path field, writing, then the one-line result', () => {
    let state = reviewReducer(initialReviewState, {type: 'open-write', path: './homelab'});
    state = reviewReducer(state, {type: 'edit-path', edit: {kind: 'insert', text: '-2'}});
    expect(state.write).toEqual({kind: 'editing', path: './homelab-2'});
    state = reviewReducer(state, {type: 'writing'});
    expect(state.write).toEqual({kind: 'writing', path: './homelab-2'});
    expect(reviewReducer(state, {type: 'written', message: 'Wrote 9 files'}).write).toEqual({
      kind: 'written',
      message: 'Wrote 9 files',
    });
    expect(reviewReducer(state, {type: 'failed', message: 'EACCES'}).write.kind).toBe('failed');
  });

  test('a rejection becomes its first line', () => {
    expect(errorMessage(new Error('EACCES: permission denied\n    at x'))).toBe(
      'EACCES: permission denied',
    );
    expect(errorMessage('plain')).toBe('plain');
  });
});

test('cycle wraps both ways', () => {
  expect(cycle(['a', 'b', 'c'], 'c', 1)).toBe('a');
  expect(cycle(['a', 'b', 'c'], 'a', -1)).toBe('c');
});

describe('splitChunk', () => {
  test('Tab, Enter and Backspace inside one stdin chunk become keys; text runs stay together', () => {
    const parts = splitChunk('ab\t1\u007f\r\n', noKey).map(([input, key]) => [
      input,
      key.tab ? 'tab' : key.return ? 'return' : key.delete ? 'delete' : '',
    ]);
    expect(parts).toEqual([
      ['ab', ''],
      ['', 'tab'],
      ['1', ''],
      ['', 'delete'],
      ['', 'return'],
    ]);
  });

  test('single keys and plain pastes pass through untouched', () => {
    const tab = {...noKey, tab: true};
    expect(splitChunk('\t', tab)).toEqual([['\t', tab]]);
    expect(splitChunk('10.0.0.1', noKey)).toEqual([['10.0.0.1', noKey]]);
  });
});
