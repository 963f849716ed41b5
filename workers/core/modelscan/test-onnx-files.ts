// Written by scripts/fixtures/test-onnx-files.py (onnx 1.23.1, numpy 2.4.6): models the onnx package serialised, with
// the tensors whose external data lies outside the model folder. Do not edit by hand.

export interface OnnxFile {
  name: string;
  base64: string;
  /** [place in the model, location] of each tensor whose data lies outside the folder. */
  outside: [string, string][];
}

export const ONNX_FILES: OnnxFile[] = [
  {
    name: 'plain',
    base64:
      'CA4SDHNpZnQtZml4dHVyZTrNAwoZCgF4CgF3EgFoGgZtYXRtdWwiBk1hdE11bAq1AgoEY29uZBIBeSICSWYqkQEKC2Vsc2VfYnJhbmNoMn8KPxIGZWxzZV9jIghDb25zdGFudCorCgV2YWx1ZSofCAEIAxABQgllbHNlX2JpYXNKDAAAAAAAAIA/AAAAQKABBAoaCgFoCgZlbHNlX2MSCGVsc2Vfb3V0IgNBZGQSBGVsc2ViGgoIZWxzZV9vdXQSDgoMCAESCAoCCAEKAggDoAEFKpEBCgt0aGVuX2JyYW5jaDJ/Cj8SBnRoZW5fYyIIQ29uc3RhbnQqKwoFdmFsdWUqHwgBCAMQAUIJdGhlbl9iaWFzSgwAAAAAAACAPwAAAECgAQQKGgoBaAoGdGhlbl9jEgh0aGVuX291dCIDQWRkEgR0aGVuYhoKCHRoZW5fb3V0Eg4KDAgBEggKAggBCgIIA6ABBRIBZyo7CAQIAxABQgF3SjAAAAAAAACAPwAAAEAAAEBAAACAQAAAoEAAAMBAAADgQAAAAEEAABBBAAAgQQAAMEFaEwoBeBIOCgwIARIICgIIAQoCCARaDgoEY29uZBIGCgQICRIAYhMKAXkSDgoMCAESCAoCCAEKAggDQgQKABARQgkKBWxvY2FsEAE=',
    outside: [],
  },
  {
    name: 'external data beside the model',
    base64:
      'CA4SDHNpZnQtZml4dHVyZTrRAwoZCgF4CgF3EgFoGgZtYXRtdWwiBk1hdE11bAq1AgoEY29uZBIBeSICSWYqkQEKC2Vsc2VfYnJhbmNoMn8KPxIGZWxzZV9jIghDb25zdGFudCorCgV2YWx1ZSofCAEIAxABQgllbHNlX2JpYXNKDAAAAAAAAIA/AAAAQKABBAoaCgFoCgZlbHNlX2MSCGVsc2Vfb3V0IgNBZGQSBGVsc2ViGgoIZWxzZV9vdXQSDgoMCAESCAoCCAEKAggDoAEFKpEBCgt0aGVuX2JyYW5jaDJ/Cj8SBnRoZW5fYyIIQ29uc3RhbnQqKwoFdmFsdWUqHwgBCAMQAUIJdGhlbl9iaWFzSgwAAAAAAACAPwAAAECgAQQKGgoBaAoGdGhlbl9jEgh0aGVuX291dCIDQWRkEgR0aGVuYhoKCHRoZW5fb3V0Eg4KDAgBEggKAggBCgIIA6ABBRIBZyo/CAQIAxABQgF3ahcKCGxvY2F0aW9uEgt3ZWlnaHRzLmJpbmoLCgZvZmZzZXQSATBqDAoGbGVuZ3RoEgI0OHABWhMKAXgSDgoMCAESCAoCCAEKAggEWg4KBGNvbmQSBgoECAkSAGITCgF5Eg4KDAgBEggKAggBCgIIA0IECgAQEUIJCgVsb2NhbBAB',
    outside: [],
  },
  {
    name: 'initializer outside the folder',
    base64:
      'CA4SDHNpZnQtZml4dHVyZTrZAwoZCgF4CgF3EgFoGgZtYXRtdWwiBk1hdE11bAq1AgoEY29uZBIBeSICSWYqkQEKC2Vsc2VfYnJhbmNoMn8KPxIGZWxzZV9jIghDb25zdGFudCorCgV2YWx1ZSofCAEIAxABQgllbHNlX2JpYXNKDAAAAAAAAIA/AAAAQKABBAoaCgFoCgZlbHNlX2MSCGVsc2Vfb3V0IgNBZGQSBGVsc2ViGgoIZWxzZV9vdXQSDgoMCAESCAoCCAEKAggDoAEFKpEBCgt0aGVuX2JyYW5jaDJ/Cj8SBnRoZW5fYyIIQ29uc3RhbnQqKwoFdmFsdWUqHwgBCAMQAUIJdGhlbl9iaWFzSgwAAAAAAACAPwAAAECgAQQKGgoBaAoGdGhlbl9jEgh0aGVuX291dCIDQWRkEgR0aGVuYhoKCHRoZW5fb3V0Eg4KDAgBEggKAggBCgIIA6ABBRIBZypHCAQIAxABQgF3ah8KCGxvY2F0aW9uEhMuLi8uLi8uLi9ldGMvcGFzc3dkagsKBm9mZnNldBIBMGoMCgZsZW5ndGgSAjQ4cAFaEwoBeBIOCgwIARIICgIIAQoCCARaDgoEY29uZBIGCgQICRIAYhMKAXkSDgoMCAESCAoCCAEKAggDQgQKABARQgkKBWxvY2FsEAE=',
    outside: [['graph.initializer["w"]', '../../../etc/passwd']],
  },
  {
    name: 'absolute path in an If branch',
    base64:
      'CA4SDHNpZnQtZml4dHVyZTr2AwoZCgF4CgF3EgFoGgZtYXRtdWwiBk1hdE11bAreAgoEY29uZBIBeSICSWYqkQEKC2Vsc2VfYnJhbmNoMn8KPxIGZWxzZV9jIghDb25zdGFudCorCgV2YWx1ZSofCAEIAxABQgllbHNlX2JpYXNKDAAAAAAAAIA/AAAAQKABBAoaCgFoCgZlbHNlX2MSCGVsc2Vfb3V0IgNBZGQSBGVsc2ViGgoIZWxzZV9vdXQSDgoMCAESCAoCCAEKAggDoAEFKroBCgt0aGVuX2JyYW5jaDKnAQpnEgZ0aGVuX2MiCENvbnN0YW50KlMKBXZhbHVlKkcIAQgDEAFCCXRoZW5fYmlhc2oXCghsb2NhdGlvbhILL2V0Yy9zaGFkb3dqCwoGb2Zmc2V0EgEwagwKBmxlbmd0aBICMTJwAaABBAoaCgFoCgZ0aGVuX2MSCHRoZW5fb3V0IgNBZGQSBHRoZW5iGgoIdGhlbl9vdXQSDgoMCAESCAoCCAEKAggDoAEFEgFnKjsIBAgDEAFCAXdKMAAAAAAAAIA/AAAAQAAAQEAAAIBAAACgQAAAwEAAAOBAAAAAQQAAEEEAACBBAAAwQVoTCgF4Eg4KDAgBEggKAggBCgIIBFoOCgRjb25kEgYKBAgJEgBiEwoBeRIOCgwIARIICgIIAQoCCANCBAoAEBFCCQoFbG9jYWwQAQ==',
    outside: [
      ['graph.node[1].attribute["then_branch"].g.node[0].attribute["value"].t["then_bias"]', '/etc/shadow'],
    ],
  },
  {
    name: 'sparse initializer and function',
    base64:
      'CA4SDHNpZnQtZml4dHVyZTqLCAoZCgF4CgF3EgFoGgZtYXRtdWwiBk1hdE11bAq1AgoEY29uZBIBeSICSWYqkQEKC2Vsc2VfYnJhbmNoMn8KPxIGZWxzZV9jIghDb25zdGFudCorCgV2YWx1ZSofCAEIAxABQgllbHNlX2JpYXNKDAAAAAAAAIA/AAAAQKABBAoaCgFoCgZlbHNlX2MSCGVsc2Vfb3V0IgNBZGQSBGVsc2ViGgoIZWxzZV9vdXQSDgoMCAESCAoCCAEKAggDoAEFKpEBCgt0aGVuX2JyYW5jaDJ/Cj8SBnRoZW5fYyIIQ29uc3RhbnQqKwoFdmFsdWUqHwgBCAMQAUIJdGhlbl9iaWFzSgwAAAAAAACAPwAAAECgAQQKGgoBaAoGdGhlbl9jEgh0aGVuX291dCIDQWRkEgR0aGVuYhoKCHRoZW5fb3V0Eg4KDAgBEggKAggBCgIIA6ABBQqjAyIGQ3VzdG9tKg8KBWFscGhhFQAAAD+gAQEqWwoGZ3JhcGhzWk4SA3N1YipHCAEQAUIJaW5fZ3JhcGhzahoKCGxvY2F0aW9uEg4uLlxzZWNyZXRzLmJpbmoLCgZvZmZzZXQSATBqCwoGbGVuZ3RoEgE0cAGgAQoqZgoGc3BhcnNloAELsgFYCkAIARABQgJzdmoaCghsb2NhdGlvbhIOLi5cc2VjcmV0cy5iaW5qCwoGb2Zmc2V0EgEwagsKBmxlbmd0aBIBNHABEhIIARAHQgJzaUoIAAAAAAAAAAAYAipnCgdzcGFyc2VzoAEMugFYCkAIARABQgJzdmoaCghsb2NhdGlvbhIOLi5cc2VjcmV0cy5iaW5qCwoGb2Zmc2V0EgEwagsKBmxlbmd0aBIBNHABEhIIARAHQgJzaUoIAAAAAAAAAAAYAipTCgd0ZW5zb3JzUkUIARABQgdpbl9saXN0ahoKCGxvY2F0aW9uEg4uLlxzZWNyZXRzLmJpbmoLCgZvZmZzZXQSATBqCwoGbGVuZ3RoEgE0cAGgAQk6BWxvY2FsEgFnKjsIBAgDEAFCAXdKMAAAAAAAAIA/AAAAQAAAQEAAAIBAAACgQAAAwEAAAOBAAAAAQQAAEEEAACBBAAAwQVoTCgF4Eg4KDAgBEggKAggBCgIIBFoOCgRjb25kEgYKBAgJEgBiEwoBeRIOCgwIARIICgIIAQoCCAN6lQEKRggCEAFCCHNfdmFsdWVzahoKCGxvY2F0aW9uEg4uLlxzZWNyZXRzLmJpbmoLCgZvZmZzZXQSATBqCwoGbGVuZ3RoEgE4cAESRwgCEAFCCXNfaW5kaWNlc2oaCghsb2NhdGlvbhIOLi5cc2VjcmV0cy5iaW5qCwoGb2Zmc2V0EgEwagsKBmxlbmd0aBIBOHABGAQYA0IECgAQEUIJCgVsb2NhbBABygF2CgVzY2FsZSoBazpdEgFrIghDb25zdGFudCpOCgV2YWx1ZSpCCAEQAUIBa2odCghsb2NhdGlvbhIRZmlsZTovLy9ldGMvaG9zdHNqCwoGb2Zmc2V0EgEwagsKBmxlbmd0aBIBNHABoAEESgQKABARUgVsb2NhbA==',
    outside: [
      ['graph.node[2].attribute["graphs"].g.initializer["in_graphs"]', '..\\secrets.bin'],
      ['graph.node[2].attribute["sparse"].sparse_tensor.values["sv"]', '..\\secrets.bin'],
      ['graph.node[2].attribute["sparses"].sparse_tensor.values["sv"]', '..\\secrets.bin'],
      ['graph.node[2].attribute["tensors"].t["in_list"]', '..\\secrets.bin'],
      ['graph.sparse_initializer.values["s_values"]', '..\\secrets.bin'],
      ['graph.sparse_initializer.indices["s_indices"]', '..\\secrets.bin'],
      ['functions[0].node[0].attribute["value"].t["k"]', 'file:///etc/hosts'],
    ],
  },
  {
    name: 'training graph',
    base64:
      'CA4SDHNpZnQtZml4dHVyZTrNAwoZCgF4CgF3EgFoGgZtYXRtdWwiBk1hdE11bAq1AgoEY29uZBIBeSICSWYqkQEKC2Vsc2VfYnJhbmNoMn8KPxIGZWxzZV9jIghDb25zdGFudCorCgV2YWx1ZSofCAEIAxABQgllbHNlX2JpYXNKDAAAAAAAAIA/AAAAQKABBAoaCgFoCgZlbHNlX2MSCGVsc2Vfb3V0IgNBZGQSBGVsc2ViGgoIZWxzZV9vdXQSDgoMCAESCAoCCAEKAggDoAEFKpEBCgt0aGVuX2JyYW5jaDJ/Cj8SBnRoZW5fYyIIQ29uc3RhbnQqKwoFdmFsdWUqHwgBCAMQAUIJdGhlbl9iaWFzSgwAAAAAAACAPwAAAECgAQQKGgoBaAoGdGhlbl9jEgh0aGVuX291dCIDQWRkEgR0aGVuYhoKCHRoZW5fb3V0Eg4KDAgBEggKAggBCgIIA6ABBRIBZyo7CAQIAxABQgF3SjAAAAAAAACAPwAAAEAAAEBAAACAQAAAoEAAAMBAAADgQAAAAEEAABBBAAAgQQAAMEFaEwoBeBIOCgwIARIICgIIAQoCCARaDgoEY29uZBIGCgQICRIAYhMKAXkSDgoMCAESCAoCCAEKAggDQgQKABARQgkKBWxvY2FsEAGiAYMCCngKGAoDbHIwEgdscjBfb3V0IghJZGVudGl0eRIEaW5pdCo/CAEQAUIDbHIwahgKCGxvY2F0aW9uEgwvdG1wL2xyMC5iaW5qCwoGb2Zmc2V0EgEwagsKBmxlbmd0aBIBNHABYhUKB2xyMF9vdXQSCgoICAESBAoCCAEShgEKFgoCbHISBmxyX291dCIISWRlbnRpdHkSBHN0ZXAqUAgBEAFCAmxyaioKCGxvY2F0aW9uEh4uLi8uLi9ob21lL2FuYWx5c3QvLnNzaC9pZF9yc2FqCwoGb2Zmc2V0EgEwagsKBmxlbmd0aBIBNHABYhQKBmxyX291dBIKCggIARIECgIIAQ==',
    outside: [
      ['training_info[0].initialization.initializer["lr0"]', '/tmp/lr0.bin'],
      ['training_info[0].algorithm.initializer["lr"]', '../../home/analyst/.ssh/id_rsa'],
    ],
  },
];
