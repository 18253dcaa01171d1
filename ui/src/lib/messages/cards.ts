// 결제 수단 (saved cards on 마이페이지), Korean first.

export const cardsKo = {
  'cards.title': '결제 수단',
  'cards.lead':
    '구독마다 결제할 카드를 고를 수 있어요. 삭제한 카드는 결제 정보(빌링키)가 달고나와 토스페이먼츠에서 모두 지워집니다.',
  'cards.add': '새 카드 등록',
  'cards.added': '새 카드를 등록했습니다.',
  'cards.empty': '등록된 카드가 없습니다.',
  'cards.unknownCompany': '카드',
  'cards.type.신용': '신용',
  'cards.type.체크': '체크',
  'cards.type.기프트': '기프트',
  'cards.registered': '등록일',
  'cards.usedBy': '이 카드로 결제 중',
  'cards.unused': '이 카드로 결제하는 구독이 없습니다.',
  'cards.chooseSub': '구독 선택',
  'cards.useFor': '이 카드로 결제',
  'cards.used': '결제 카드를 바꿨습니다. 다음 결제부터 이 카드로 결제합니다.',
  'cards.remove': '삭제',
  'cards.removeConfirm': '이 카드를 삭제할까요? 결제 정보가 지워지고 되돌릴 수 없습니다.',
  'cards.removeYes': '삭제하기',
  'cards.removeNo': '취소',
  'cards.removed': '카드를 삭제했습니다.',
  'cards.inUseHint': '구독에서 쓰는 카드는 다른 카드로 바꾼 뒤 삭제할 수 있어요.',
  'cards.cardOf': '{company} 카드 {number}',
  'err.reason.card_in_use':
    '이 카드로 결제하는 구독이 있어 삭제할 수 없습니다. 다른 카드로 바꾼 뒤 삭제해 주세요.',
  'err.reason.card_already_used': '이미 이 카드로 결제하고 있습니다.',
  'err.reason.card_removed': '삭제된 카드입니다. 다른 카드를 선택하거나 새 카드를 등록해 주세요.',
  'err.reason.card_not_found': '카드를 찾을 수 없습니다.',
};

export const cardsEn: Record<keyof typeof cardsKo, string> = {
  'cards.title': 'Payment methods',
  'cards.lead':
    'Choose which card pays for each subscription. A removed card’s payment details (billing key) are erased at Dalgona and at Toss Payments.',
  'cards.add': 'Add a card',
  'cards.added': 'Your new card is saved.',
  'cards.empty': 'No saved cards.',
  'cards.unknownCompany': 'Card',
  'cards.type.신용': 'Credit',
  'cards.type.체크': 'Debit',
  'cards.type.기프트': 'Gift',
  'cards.registered': 'Added',
  'cards.usedBy': 'Pays for',
  'cards.unused': 'No subscription pays with this card.',
  'cards.chooseSub': 'Subscription',
  'cards.useFor': 'Pay with this card',
  'cards.used': 'Card changed. The next payment uses this card.',
  'cards.remove': 'Remove',
  'cards.removeConfirm': 'Remove this card? Its payment details are erased and cannot be restored.',
  'cards.removeYes': 'Remove',
  'cards.removeNo': 'Cancel',
  'cards.removed': 'Card removed.',
  'cards.inUseHint':
    'A card a subscription pays with can be removed once the subscription uses another card.',
  'cards.cardOf': '{company} card {number}',
  'err.reason.card_in_use':
    'A subscription pays with this card, so it cannot be removed. Switch the subscription to another card first.',
  'err.reason.card_already_used': 'This subscription already pays with this card.',
  'err.reason.card_removed': 'This card was removed. Choose another card or add a new one.',
  'err.reason.card_not_found': 'Card not found.',
};
