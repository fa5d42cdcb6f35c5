/**
 * The UAV123 sequences that are parts of a longer image folder (bird1_2 is frames 775..1477 of
 * data_seq/UAV123/bird1), as [first, last] frame numbers. Source: the official UAV123 toolkit's
 * configSeqs list, as transcribed in visionml/pytracking `pytracking/evaluation/uavdataset.py`;
 * we could not download the toolkit itself. Every other UAV123 sequence is a whole folder of its
 * own name, from frame 1.
 */
export const UAV123_SUBRANGES: Readonly<Record<string, readonly [number, number]>> = {
  bird1_1: [1, 253], bird1_2: [775, 1477], bird1_3: [1573, 2437],
  car1_1: [1, 751], car1_2: [751, 1627], car1_3: [1627, 2629],
  car16_1: [1, 415], car16_2: [415, 1993],
  car6_1: [1, 487], car6_2: [487, 1807], car6_3: [1807, 2953], car6_4: [2953, 3925], car6_5: [3925, 4861],
  car8_1: [1, 1357], car8_2: [1357, 2575],
  group1_1: [1, 1333], group1_2: [1333, 2515], group1_3: [2515, 3925], group1_4: [3925, 4873],
  group2_1: [1, 907], group2_2: [907, 1771], group2_3: [1771, 2683],
  group3_1: [1, 1567], group3_2: [1567, 2827], group3_3: [2827, 4369], group3_4: [4369, 5527],
  person12_1: [1, 601], person12_2: [601, 1621],
  person14_1: [1, 847], person14_2: [847, 1813], person14_3: [1813, 2923],
  person17_1: [1, 1501], person17_2: [1501, 2347],
  person19_1: [1, 1243], person19_2: [1243, 2791], person19_3: [2791, 4357],
  person2_1: [1, 1189], person2_2: [1189, 2623],
  person4_1: [1, 1501], person4_2: [1501, 2743],
  person5_1: [1, 877], person5_2: [877, 2101],
  person7_1: [1, 1249], person7_2: [1249, 2065],
  person8_1: [1, 1075], person8_2: [1075, 1525],
  truck4_1: [1, 577], truck4_2: [577, 1261],
  uav1_1: [1, 1555], uav1_2: [1555, 2377], uav1_3: [2473, 3469],
};
