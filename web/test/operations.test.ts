import { describe, expect, it } from 'vitest';
import { M_SEND_MESSAGE, S_MESSAGE } from '../src/api/operations';

// onMessage subscribers get only the fields sendMessage selected, so the resolver refuses
// (IncompleteSelection) a sender that does not select every field of Message by its name.
describe('chat operations', () => {
  const selection = (operation: string, field: string): string =>
    new RegExp(`${field}(?:\\([^)]*\\))?\\s*\\{([^}]*)\\}`).exec(operation)?.[1] ?? '';
  const fields = (text: string): string[] => text.trim().split(/\s+/).sort();

  it('sendMessage selects every field of Message (graphql/schema.graphql), by name', () => {
    const sent = selection(M_SEND_MESSAGE, 'sendMessage');
    expect(sent).not.toMatch(/:|@|\.\.\./);
    expect(fields(sent)).toEqual(['author', 'id', 'sentAt', 'text']);
  });

  it('the page subscribes to exactly the fields it sends', () => {
    expect(fields(selection(S_MESSAGE, 'onMessage'))).toEqual(fields(selection(M_SEND_MESSAGE, 'sendMessage')));
  });
});
