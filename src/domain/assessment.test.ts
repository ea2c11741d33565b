import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type AssessmentContent, completionProblems } from './assessment.ts'

const children = [
  { personId: 'casey', givenName: 'Casey' },
  { personId: 'sky', givenName: 'Sky' },
]

const whole: AssessmentContent = {
  familyStory: 'Synthetic: the family moved here last year.',
  children: [
    { personId: 'casey', story: 'Synthetic: Casey likes football.' },
    { personId: 'sky', voice: 'Synthetic: “I want Mum to stop shouting.”' },
  ],
  parentsVoice: 'Synthetic: Dana wants calmer mornings.',
  domains: {
    'child-development': { strengths: 'Synthetic.' },
    'parenting-capacity': { worries: 'Synthetic.' },
    'family-environment': { strengths: 'Synthetic.', worries: 'Synthetic.' },
  },
  workingWell: 'Synthetic.',
  worries: 'Synthetic.',
  needsToHappen: 'Synthetic.',
  headlineNeeds: [5],
}

test('a whole assessment can be completed: each child by their story or their own words', () => {
  assert.deepEqual(completionProblems(whole, children), {})
})

test('each missing part is named, so the worker knows what to finish', () => {
  const problems = completionProblems(
    {
      ...whole,
      familyStory: '  ',
      children: [{ personId: 'casey', story: 'Synthetic.' }],
      domains: { ...whole.domains, 'parenting-capacity': {} },
      headlineNeeds: [],
    },
    children,
  )
  assert.deepEqual(Object.keys(problems).sort(), [
    'child-sky-story',
    'familyStory',
    'headlineNeeds',
    'parenting-capacity-strengths',
  ])
  assert.match(problems['child-sky-story'] ?? '', /Sky’s story or what Sky says/)
})
