/** The sample business data: stands in for whatever a real backend serves. */
interface Product {
  id: string;
  name: string;
  priceFen: number;
}

const sampleProducts: readonly Product[] = [
  { id: 'p-1001', name: '云南小粒咖啡 250g', priceFen: 6800 },
  { id: 'p-1002', name: '西湖龙井 100g', priceFen: 12800 },
  { id: 'p-1003', name: '景德镇青花瓷杯', priceFen: 4500 },
];

export type { Product };
export { sampleProducts };
