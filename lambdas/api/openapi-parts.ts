/** Pieces of the OpenAPI document that route modules share. */
export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
};

export const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** The errors every authenticated route can answer. */
export const authErrors = {
  '401': errorResponse('Missing, invalid or expired token'),
  '403': errorResponse('The token lacks the role this needs'),
};
